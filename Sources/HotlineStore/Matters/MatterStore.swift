import Foundation
import HotlineCore

/// One stored version of a matter.
public struct MatterRecord: Sendable, Equatable {
    public var matter: Matter
    public var version: Int
    /// The newest version of the code.
    public var currentVersion: Int
    public var editedBy: String
    public var actingRoot: Bool
    public var editedAt: Date
}

/// A matter found by ``MatterStore/search(_:limit:on:)``: how many grams of the query (pairs of adjacent
/// characters) it has in its title or keywords (`headHits`) and anywhere (`hits`), and its score, where a head hit
/// weighs four and another hit one.
public struct MatterHit: Sendable, Equatable {
    public var code: String
    public var version: Int
    public var title: String
    public var department: String
    public var keywords: [String]
    public var headHits: Int
    public var hits: Int
    public var score: Int
}

/// Why the knowledge base did not take a change.
public enum MatterStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    case versionNotFound(String, version: Int)
    case alreadyExists(String)
    case unknownDepartment(String)
    /// `matter edit` with values equal to the current version's: no version is made.
    case unchanged(String)
    /// `matter import`: the line and field at fault; nothing was imported.
    case importFailed(MatterImportError)
    /// `--told` names a code that is not in the knowledge base; nothing was recorded.
    case unknownMatters([String])

    public var description: String { text(in: .en) }

    public func text(in language: Language) -> String {
        switch self {
        case .notFound(let code):
            return LocalizedText(zh: "知识库中没有事项 \(code)", en: "no matter \(code) in the knowledge base").text(
                in: language
            )
        case .versionNotFound(let code, let version):
            return LocalizedText(zh: "事项 \(code) 没有第 \(version) 版", en: "matter \(code) has no version \(version)")
                .text(in: language)
        case .alreadyExists(let code):
            return LocalizedText(
                zh: "事项 \(code) 已存在；修改请用 matter edit",
                en: "matter \(code) exists already; change it with matter edit"
            ).text(in: language)
        case .unknownDepartment(let code):
            return LocalizedText(zh: "--department：没有部门“\(code)”", en: "--department: no department '\(code)'")
                .text(in: language)
        case .unchanged(let code):
            return LocalizedText(
                zh: "事项 \(code) 的内容与当前版本相同，未生成新版本",
                en: "matter \(code) is unchanged from its current version; no version was made"
            ).text(in: language)
        case .importFailed(let error):
            return (language == .zh ? "未导入任何事项：" : "nothing imported: ") + error.text(in: language)
        case .unknownMatters(let codes):
            let list = codes.joined(separator: ", ")
            return LocalizedText(
                zh: "--told：知识库中没有事项 \(list)；未作任何记录",
                en: "--told: no matter \(list) in the knowledge base; nothing was recorded"
            ).text(in: language)
        }
    }
}

/// The knowledge base of matters (SPEC §12) in PostgreSQL: versions kept as written, the current one searchable.
public enum MatterStore {
    /// Adds a matter as version 1.
    public static func add(
        _ matter: Matter,
        by login: String,
        actingRoot: Bool,
        at now: Date,
        on connection: PGConnection
    ) throws -> MatterRecord {
        try connection.transaction { connection in
            let exists = try connection.query("SELECT 1 FROM hotline.matters WHERE code = $1", [matter.code])
            guard exists.first == nil else { throw MatterStoreError.alreadyExists(matter.code) }
            try requireDepartment(matter.department, on: connection)
            try write(matter, version: 1, by: login, actingRoot: actingRoot, at: now, on: connection)
            return MatterRecord(
                matter: matter,
                version: 1,
                currentVersion: 1,
                editedBy: login,
                actingRoot: actingRoot,
                editedAt: now
            )
        }
    }

    /// Writes the changes as the next version; the matter's row is locked so two edits make two versions.
    public static func edit(
        _ code: String,
        _ changes: MatterChanges,
        by login: String,
        actingRoot: Bool,
        at now: Date,
        on connection: PGConnection
    ) throws -> MatterRecord {
        try connection.transaction { connection in
            guard let current = try current(code, locking: true, on: connection) else {
                throw MatterStoreError.notFound(code)
            }
            let edited = current.matter.applying(changes)
            guard edited != current.matter else { throw MatterStoreError.unchanged(code) }
            if edited.department != current.matter.department {
                try requireDepartment(edited.department, on: connection)
            }
            let version = current.version + 1
            try write(edited, version: version, by: login, actingRoot: actingRoot, at: now, on: connection)
            return MatterRecord(
                matter: edited,
                version: version,
                currentVersion: version,
                editedBy: login,
                actingRoot: actingRoot,
                editedAt: now
            )
        }
    }

    /// Imports rows all or nothing: a new code becomes version 1, a changed one a new version, an identical one
    /// stays as it is. Returns (added, updated, unchanged).
    public static func importRows(
        _ rows: [MatterCSV.Row],
        by login: String,
        actingRoot: Bool,
        at now: Date,
        on connection: PGConnection
    ) throws -> (added: Int, updated: Int, unchanged: Int) {
        try connection.transaction { connection in
            let departments = Set(
                try connection.query("SELECT code FROM hotline.departments").map {
                    try $0.decode("code", as: String.self)
                }
            )
            var counts = (added: 0, updated: 0, unchanged: 0)
            for row in rows {
                guard departments.contains(row.matter.department) else {
                    throw MatterStoreError.importFailed(
                        MatterImportError(
                            line: row.line,
                            field: "department",
                            reason: .unknownDepartment(row.matter.department)
                        )
                    )
                }
                if let current = try current(row.matter.code, locking: true, on: connection) {
                    if current.matter == row.matter {
                        counts.unchanged += 1
                        continue
                    }
                    try write(
                        row.matter,
                        version: current.version + 1,
                        by: login,
                        actingRoot: actingRoot,
                        at: now,
                        on: connection
                    )
                    counts.updated += 1
                } else {
                    try write(row.matter, version: 1, by: login, actingRoot: actingRoot, at: now, on: connection)
                    counts.added += 1
                }
            }
            return counts
        }
    }

    /// A version of a matter, the current one when `version` is nil.
    public static func show(_ code: String, version: Int?, on connection: PGConnection) throws -> MatterRecord {
        guard let current = try current(code, locking: false, on: connection) else {
            throw MatterStoreError.notFound(code)
        }
        guard let version, version != current.version else { return current }
        guard
            let row = try connection.query(
                "SELECT \(columns) FROM hotline.matter_versions v WHERE code = $1 AND version = $2",
                [code, version]
            ).first
        else { throw MatterStoreError.versionNotFound(code, version: version) }
        return try decode(row, currentVersion: current.version)
    }

    /// The current version of every matter, by code, optionally of one department.
    public static func list(department: String?, on connection: PGConnection) throws -> [MatterRecord] {
        try connection.query(
            """
            SELECT \(columns) FROM hotline.matters m JOIN hotline.matter_versions v USING (code, version)
            WHERE $1::text IS NULL OR v.department = $1 ORDER BY code
            """,
            [department]
        ).map { try decode($0, currentVersion: nil) }
    }

    /// Matters sharing grams (pairs of adjacent characters) with the text, ranked: matters with title or keyword
    /// hits first, then by ``MatterHit/score``, then by code, added up from the postings of the query's grams.
    public static func search(_ text: String, limit: Int, on connection: PGConnection) throws -> [MatterHit] {
        try connection.query(
            """
            SELECT r.code, m.version, v.title, v.department, v.keywords, r.head_hits, r.hits, r.score
            FROM (
                SELECT p.code, count(*) FILTER (WHERE p.weight > 1) AS head_hits, count(*) AS hits,
                    sum(p.weight) AS score
                FROM hotline.matter_postings p
                WHERE p.gram = ANY(hotline.matter_grams($1))
                GROUP BY p.code
                ORDER BY count(*) FILTER (WHERE p.weight > 1) > 0 DESC, sum(p.weight) DESC, p.code
                LIMIT $2
            ) r
            JOIN hotline.matters m USING (code)
            JOIN hotline.matter_versions v USING (code, version)
            ORDER BY r.head_hits > 0 DESC, r.score DESC, r.code
            """,
            [text, limit]
        ).map { row in
            MatterHit(
                code: try row.decode("code"),
                version: try row.decode("version"),
                title: try row.decode("title"),
                department: try row.decode("department"),
                keywords: try row.decode("keywords"),
                headHits: try row.decode("head_hits"),
                hits: try row.decode("hits"),
                score: try row.decode("score")
            )
        }
    }

    /// The current versions of the codes told (`--told`), in the order given; throws naming every unknown code.
    /// The rows are locked against a concurrent edit, so the version recorded is the one in force when told.
    public static func references(
        _ codes: [String],
        on connection: PGConnection
    ) throws -> [MatterReference] {
        guard !codes.isEmpty else { return [] }
        var versions: [String: Int] = [:]
        for row in try connection.query(
            "SELECT code, version FROM hotline.matters WHERE code = ANY($1::text[]) FOR SHARE",
            [codes]
        ) {
            versions[try row.decode("code")] = try row.decode("version")
        }
        let unknown = codes.filter { versions[$0] == nil }
        guard unknown.isEmpty else { throw MatterStoreError.unknownMatters(unknown) }
        return codes.map { MatterReference(code: $0, version: versions[$0]!) }
    }

    /// Titles of told versions, for `complaint show`.
    public static func titles(of references: [MatterReference], on connection: PGConnection) throws
        -> [MatterReference: String]
    {
        guard !references.isEmpty else { return [:] }
        var titles: [MatterReference: String] = [:]
        for row in try connection.query(
            """
            SELECT v.code, v.version, v.title
            FROM unnest($1::text[], $2::int[]) AS r(code, version)
            JOIN hotline.matter_versions v USING (code, version)
            """,
            [references.map(\.code), references.map { String($0.version) }]
        ) {
            titles[MatterReference(code: try row.decode("code"), version: try row.decode("version"))] =
                try row.decode("title")
        }
        return titles
    }

    // MARK: - Internals

    private static let columns = """
        v.code, v.version, v.title, v.department, v.conditions, v.materials, v.fees, v.time_limit, v.procedure,
        v.refusal, v.keywords, v.edited_by, v.acting_root, v.edited_at
        """

    private static func current(_ code: String, locking: Bool, on connection: PGConnection) throws -> MatterRecord? {
        try connection.query(
            """
            SELECT \(columns) FROM hotline.matters m JOIN hotline.matter_versions v USING (code, version)
            WHERE m.code = $1 \(locking ? "FOR UPDATE OF m" : "")
            """,
            [code]
        ).first.map { try decode($0, currentVersion: nil) }
    }

    private static func decode(_ row: PostgresRow, currentVersion: Int?) throws -> MatterRecord {
        let version: Int = try row.decode("version")
        return MatterRecord(
            matter: Matter(
                code: try row.decode("code"),
                title: try row.decode("title"),
                department: try row.decode("department"),
                conditions: try row.decode("conditions"),
                materials: try row.decode("materials"),
                fees: try row.decode("fees"),
                timeLimit: try row.decode("time_limit"),
                procedure: try row.decode("procedure"),
                refusal: try row.decodeIfPresent("refusal"),
                keywords: try row.decode("keywords")
            ),
            version: version,
            currentVersion: currentVersion ?? version,
            editedBy: try row.decode("edited_by"),
            actingRoot: try row.decode("acting_root"),
            editedAt: try row.decode("edited_at")
        )
    }

    private static func requireDepartment(_ code: String, on connection: PGConnection) throws {
        guard try connection.query("SELECT 1 FROM hotline.departments WHERE code = $1", [code]).first != nil else {
            throw MatterStoreError.unknownDepartment(code)
        }
    }

    /// Inserts a version and points the matter at it, with its search grams.
    private static func write(
        _ matter: Matter,
        version: Int,
        by login: String,
        actingRoot: Bool,
        at now: Date,
        on connection: PGConnection
    ) throws {
        try connection.command(
            """
            INSERT INTO hotline.matter_versions (code, version, title, department, conditions, materials, fees,
                time_limit, procedure, refusal, keywords, edited_by, acting_root, edited_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            """,
            [
                matter.code, version, matter.title, matter.department, matter.conditions, matter.materials,
                matter.fees, matter.timeLimit, matter.procedure, matter.refusal, matter.keywords, login, actingRoot,
                now,
            ]
        )
        let head = ([matter.title] + matter.keywords).joined(separator: "\n")
        let everything = [
            head, matter.conditions, matter.materials, matter.fees, matter.timeLimit, matter.procedure,
            matter.refusal ?? "",
        ].joined(separator: "\n")
        try connection.command(
            """
            INSERT INTO hotline.matters (code, version) VALUES ($1, $2)
            ON CONFLICT (code) DO UPDATE SET version = EXCLUDED.version
            """,
            [matter.code, version]
        )
        try connection.command("DELETE FROM hotline.matter_postings WHERE code = $1", [matter.code])
        try connection.command(
            """
            INSERT INTO hotline.matter_postings (gram, code, weight)
            SELECT gram, $1, max(weight) FROM (
                SELECT unnest(hotline.matter_grams($2)) AS gram, 4 AS weight
                UNION ALL SELECT unnest(hotline.matter_grams($3)), 1
            ) grams
            GROUP BY gram
            """,
            [matter.code, head, everything]
        )
    }
}
