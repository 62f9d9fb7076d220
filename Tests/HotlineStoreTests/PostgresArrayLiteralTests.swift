import Testing

@testable import HotlineStore

@Suite("text[] literals")
struct PostgresArrayLiteralTests {
    @Test("every element is quoted; quotes and backslashes are escaped wherever they stand; nil is NULL")
    func literal() {
        let elements: [String?] = [
            "plain", "a\"b", "c\\d", "\"", "\\", nil, "", "张三, 李四", "NULL", "{x}", "end\"", "\\start",
        ]
        #expect(
            PostgresTextArray(elements).postgresText
                == #"{"plain","a\"b","c\\d","\"","\\",NULL,"","张三, 李四","NULL","{x}","end\"","\\start"}"#
        )
        #expect(["a", "b\"c"].postgresText == #"{"a","b\"c"}"#)
        #expect(PostgresTextArray([]).postgresText == "{}")
    }
}
