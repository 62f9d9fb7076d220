import Foundation

/// The solar terms (节气) the statutory holidays need: today only 清明 (Qingming), the day the Sun's apparent
/// longitude reaches 15°, dated in Beijing time (UTC+8) as the Chinese calendar dates it.
///
/// The Sun's position uses the low-accuracy theory of Meeus, *Astronomical Algorithms*, chapter 25 (about 0.01°,
/// so the moment is right to roughly a quarter of an hour), with ΔT from the Espenak–Meeus polynomials. Between
/// 1950 and 2099 it gives the same dates as the empirical 21st-century rule the almanacs use (a table test checks
/// both); a date can only be wrong where the term falls within minutes of midnight (the nearest such year before
/// 2100 is 2071, at 00:08).
public enum SolarTerm {
    /// The date of 清明 in a year.
    public static func qingming(year: Int) -> LocalDate {
        date(whenSunReaches: 15, year: year, month: 4, day: 5)
    }

    /// The Beijing-time date on which the Sun's apparent longitude reaches `longitude` degrees, searched from an
    /// estimate (`month`/`day` of `year`) less than a few days off.
    static func date(whenSunReaches longitude: Double, year: Int, month: Int, day: Int) -> LocalDate {
        let estimate = LocalDate(year: year, month: month, day: day) ?? LocalDate(daysSinceEpoch: 0)
        let moment = terrestrialMoment(whenSunReaches: longitude, near: julianDay(estimate))
        // TT → UT → Beijing civil time, counted in days from 1970-01-01 00:00.
        let beijing = moment - deltaT(year: Double(year)) / 86_400 + 8.0 / 24
        let daysSince1970 = Int((beijing - julianDayOf1970Midnight).rounded(.down))
        return LocalDate(daysSinceEpoch: daysSince1970)
    }

    /// Julian day number (TT) at which the apparent longitude is `longitude`: Newton steps on the Sun's mean motion.
    static func terrestrialMoment(whenSunReaches longitude: Double, near start: Double) -> Double {
        var jde = start
        for _ in 0..<10 {
            var difference = longitude - apparentLongitude(julianEphemerisDay: jde)
            if difference > 180 { difference -= 360 }
            if difference < -180 { difference += 360 }
            jde += difference * 365.2422 / 360
            if abs(difference) < 1e-7 { break }
        }
        return jde
    }

    /// The Sun's apparent geocentric longitude in degrees (Meeus 25.2–25.8: mean longitude, equation of the centre,
    /// nutation and aberration).
    static func apparentLongitude(julianEphemerisDay jde: Double) -> Double {
        let t = (jde - 2_451_545.0) / 36_525
        let meanLongitude = 280.46646 + 36_000.76983 * t + 0.000_303_2 * t * t
        let meanAnomaly = 357.52911 + 35_999.05029 * t - 0.000_153_7 * t * t
        let centre =
            (1.914_602 - 0.004_817 * t - 0.000_014 * t * t) * sine(meanAnomaly)
            + (0.019_993 - 0.000_101 * t) * sine(2 * meanAnomaly) + 0.000_289 * sine(3 * meanAnomaly)
        let node = 125.04 - 1_934.136 * t
        let apparent = meanLongitude + centre - 0.005_69 - 0.004_78 * sine(node)
        let reduced = apparent.truncatingRemainder(dividingBy: 360)
        return reduced < 0 ? reduced + 360 : reduced
    }

    /// TT − UT in seconds (Espenak and Meeus's polynomials near the present, their long-term parabola elsewhere).
    static func deltaT(year y: Double) -> Double {
        switch y {
        case 1986..<2005:
            let t = y - 2000
            return 63.86 + 0.3345 * t - 0.060_374 * t * t + 0.001_727_5 * pow(t, 3) + 0.000_651_814 * pow(t, 4)
                + 0.000_023_735_99 * pow(t, 5)
        case 2005..<2050:
            let t = y - 2000
            return 62.92 + 0.322_17 * t + 0.005_589 * t * t
        case 2050..<2150:
            let u = (y - 1820) / 100
            return -20 + 32 * u * u - 0.5628 * (2150 - y)
        default:
            let u = (y - 1820) / 100
            return -20 + 32 * u * u
        }
    }

    /// The Julian day at 00:00 of a Gregorian date.
    static func julianDay(_ date: LocalDate) -> Double {
        julianDayOf1970Midnight + Double(date.daysSinceEpoch)
    }

    /// 1970-01-01 00:00 as a Julian day.
    static let julianDayOf1970Midnight = 2_440_587.5

    private static func sine(_ degrees: Double) -> Double { sin(degrees * .pi / 180) }
}
