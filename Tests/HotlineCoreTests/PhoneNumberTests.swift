import Foundation
import HotlineCore
import Testing

@Suite("PhoneNumber")
struct PhoneNumberTests {
    @Test(
        "separators are stripped and a leading plus is kept",
        arguments: [
            ("13812345678", "13812345678"),
            ("138-1234-5678", "13812345678"),
            ("138 1234 5678", "13812345678"),
            ("138.1234.5678", "13812345678"),
            ("(010) 1234 5678", "01012345678"),
            ("+86 138.1234.5678", "+8613812345678"),
            ("(+86) 138-1234-5678", "+8613812345678"),
            (" 110 ", "110"),
            ("12345", "12345"),
            ("95588", "95588"),
        ]
    )
    func normalizes(input: String, expected: String) throws {
        let number = try PhoneNumber(validating: input)
        #expect(number.normalized == expected)
        #expect(number.description == expected)
    }

    @Test(
        "bad input is refused with a message saying what is wrong",
        arguments: [
            ("138x1234", PhoneNumberError.invalidCharacter("x"), "not a phone number: contains 'x'"),
            ("1381234567890123456789012", .tooLong(digits: 25), "too long: 25 digits, at most 20"),
            ("12", .tooShort(digits: 2), "too short: 2 digits, at least 3"),
            ("1", .tooShort(digits: 1), "too short: 1 digit, at least 3"),
            ("", .empty, "not a phone number: no digits"),
            ("- ( ) .", .empty, "not a phone number: no digits"),
            ("+", .empty, "not a phone number: no digits"),
            ("86+1381234", .misplacedPlus, "not a phone number: '+' is only allowed at the start"),
            ("++861381234", .misplacedPlus, "not a phone number: '+' is only allowed at the start"),
            ("138\t1234", .invalidCharacter("\t"), "not a phone number: contains U+0009"),
            ("１３８１２３４５６７８", .invalidCharacter("１"), "not a phone number: contains '１'"),
            ("anonymous", .invalidCharacter("a"), "not a phone number: contains 'a'"),
            ("138/1234", .invalidCharacter("/"), "not a phone number: contains '/'"),
            ("1381\u{301}234", .invalidCharacter("1\u{301}"), "not a phone number: contains '1\u{301}'"),
            ("138\r\n1234", .invalidCharacter("\r\n"), "not a phone number: contains U+000D U+000A"),
        ]
    )
    func refuses(input: String, error: PhoneNumberError, message: String) {
        #expect(throws: error) { try PhoneNumber(validating: input) }
        #expect(error.description == message)
    }

    @Test("staff read the refusal in their language: Chinese and English say the same thing")
    func bilingualMessages() {
        let cases: [(PhoneNumberError, zh: String, en: String)] = [
            (.invalidCharacter("x"), "不是电话号码：含有字符 'x'", "not a phone number: contains 'x'"),
            (.tooShort(digits: 2), "号码太短：2 位数字，至少 3 位", "too short: 2 digits, at least 3"),
            (.tooLong(digits: 25), "号码太长：25 位数字，至多 20 位", "too long: 25 digits, at most 20"),
            (.empty, "不是电话号码：没有数字", "not a phone number: no digits"),
            (.misplacedPlus, "不是电话号码：“+”只能在开头", "not a phone number: '+' is only allowed at the start"),
        ]
        for (error, zh, en) in cases {
            #expect(error.text(in: .zh) == zh)
            #expect(error.text(in: .en) == en)
            // PBX adapters get the English description.
            #expect(error.description == en)
        }
    }

    @Test("3 and 20 digits are the limits")
    func limits() throws {
        #expect(try PhoneNumber(validating: "110").normalized == "110")
        #expect(try PhoneNumber(validating: String(repeating: "9", count: 20)).digits.count == 20)
        #expect(try PhoneNumber(validating: "+" + String(repeating: "9", count: 20)).digits.count == 20)
        #expect(throws: PhoneNumberError.tooLong(digits: 21)) {
            try PhoneNumber(validating: String(repeating: "9", count: 21))
        }
        #expect(throws: PhoneNumberError.tooShort(digits: 2)) { try PhoneNumber(validating: "+86") }
    }

    @Test("digits and isInternational")
    func parts() throws {
        let international = try PhoneNumber(validating: "+86 138 1234 5678")
        #expect(international.isInternational)
        #expect(international.digits == "8613812345678")
        let local = try PhoneNumber(validating: "138 1234 5678")
        #expect(!local.isInternational)
        #expect(local.digits == "13812345678")
    }

    @Test(
        "masking keeps the first 3 and last 4 of long numbers and hides at least half of short ones",
        arguments: [
            ("13812345678", "138****5678"),
            ("01012345678", "010****5678"),
            ("12345678", "123*5678"),
            ("+8613812345678", "+861******5678"),
            ("8765432", "87***32"),
            ("876543", "87**43"),
            ("12345", "1***5"),
            ("1234", "1**4"),
            ("110", "1*0"),
        ]
    )
    func masks(input: String, expected: String) throws {
        #expect(try PhoneNumber(validating: input).masked == expected)
    }

    @Test("different spellings of one number are equal")
    func equality() throws {
        #expect(try PhoneNumber(validating: "138 1234 5678") == PhoneNumber(validating: "138-1234-5678"))
        #expect(try PhoneNumber(validating: "+8613812345678") != PhoneNumber(validating: "8613812345678"))
        let set: Set = [try PhoneNumber(validating: "138.1234.5678"), try PhoneNumber(validating: "13812345678")]
        #expect(set.count == 1)
    }

    @Test("Codable as the normalized string, and decoding validates")
    func codable() throws {
        let number = try PhoneNumber(validating: "+86 138-1234-5678")
        let data = try JSONEncoder().encode([number])
        #expect(String(decoding: data, as: UTF8.self) == #"["+8613812345678"]"#)
        #expect(try JSONDecoder().decode([PhoneNumber].self, from: data) == [number])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([PhoneNumber].self, from: Data(#"["12x"]"#.utf8))
        }
    }
}
