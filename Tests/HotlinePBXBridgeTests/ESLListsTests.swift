import Foundation
import HotlinePBXBridge
import Testing

@Suite("FreeSWITCH api outputs and dial strings")
struct ESLListsTests {
    /// Recorded from FreeSWITCH 1.10.12 (`api show channels` with one queued loopback call, a caller name with a
    /// comma cut by originate's own parsing).
    private let twoChannels = """
        uuid,direction,created,created_epoch,name,state,cid_name,cid_num,ip_addr,dest,application,application_data,\
        dialplan,context,read_codec,read_rate,read_bit_rate,write_codec,write_rate,write_bit_rate,secure,hostname,\
        presence_id,presence_data,accountcode,callstate,callee_name,callee_num,callee_direction,call_uuid,\
        sent_callee_name,sent_callee_num,initial_cid_name,initial_cid_num,initial_ip_addr,initial_dest,\
        initial_dialplan,initial_context
        2fc10507-7276-4a4d-9a08-a4026a777184,outbound,2026-11-30 07:46:15,1796024775,loopback/12345-a,CS_EXECUTE,\
        Outbound Call,hotline,,12345,park,,xml,hotline,L16,8000,128000,L16,8000,128000,,vm,,,,ACTIVE,王女士,\
        13812345678,RECV,2fc10507-7276-4a4d-9a08-a4026a777184,,,王女士,13812345678,,12345,xml,hotline
        498628b7-71a8-4f24-a4d7-0295981384d9,inbound,2026-11-30 07:46:15,1796024775,loopback/12345-b,CS_EXECUTE,\
        王女士,13812345678,,12345,callcenter,complaints,xml,hotline,L16,8000,128000,L16,8000,128000,,vm,,,,ACTIVE,\
        Outbound Call,hotline,,,,,王女士,13812345678,,12345,xml,hotline

        2 total.

        """

    @Test("show channels: the rows' leading columns")
    func showChannels() throws {
        let list = try FreeSWITCHChannelList.parse(twoChannels)
        #expect(
            list.channels == [
                .init(
                    uuid: "2fc10507-7276-4a4d-9a08-a4026a777184",
                    direction: "outbound",
                    name: "loopback/12345-a",
                    state: "CS_EXECUTE"
                ),
                .init(
                    uuid: "498628b7-71a8-4f24-a4d7-0295981384d9",
                    direction: "inbound",
                    name: "loopback/12345-b",
                    state: "CS_EXECUTE"
                ),
            ]
        )
        #expect(list.uuids == ["2fc10507-7276-4a4d-9a08-a4026a777184", "498628b7-71a8-4f24-a4d7-0295981384d9"])
    }

    @Test("show channels with none up, as FreeSWITCH 1.10.12 writes it")
    func noChannels() throws {
        #expect(try FreeSWITCHChannelList.parse("\n0 total.\n").channels.isEmpty)
    }

    @Test("a cut-short or refused listing is refused, so that no call is ended on its word")
    func refusedListings() {
        let cut = String(twoChannels.split(separator: "\n").prefix(2).joined(separator: "\n"))
        #expect(throws: FreeSWITCHChannelList.ParseError.missingTotal) { try FreeSWITCHChannelList.parse(cut) }
        let miscounted = twoChannels.replacingOccurrences(of: "2 total.", with: "3 total.")
        #expect(throws: FreeSWITCHChannelList.ParseError.countMismatch(total: 3, rows: 2)) {
            try FreeSWITCHChannelList.parse(miscounted)
        }
        #expect(throws: FreeSWITCHChannelList.ParseError.refused("-ERR no reply")) {
            try FreeSWITCHChannelList.parse("-ERR no reply\n")
        }
        #expect(throws: FreeSWITCHChannelList.ParseError.unexpectedHeader("name,uuid")) {
            try FreeSWITCHChannelList.parse("name,uuid\nx,y\n\n1 total.\n")
        }
    }

    @Test("callcenter_config agent list, as FreeSWITCH 1.10.12 writes it")
    func agentList() throws {
        let output = """
            name|instance_id|uuid|type|contact|status|state|max_no_answer|wrap_up_time|reject_delay_time|\
            busy_delay_time|no_answer_delay_time|last_bridge_start|last_bridge_end|last_offered_call|\
            last_status_change|no_answer_count|calls_answered|talk_time|ready_time|external_calls_count
            8001|single_box||callback|[call_timeout=10,loopback_bowout=false]loopback/8001/agents|Available|Waiting|\
            3|2|2|2|2|0|0|0|1796024740|0|0|0|0|0
            8002|single_box||callback||Logged Out|Waiting|3|2|2|2|2|0|0|0|1796024741|0|0|0|0|0
            +OK

            """
        #expect(
            try FreeSWITCHAgentList.parse(output) == [
                .init(
                    name: "8001",
                    contact: "[call_timeout=10,loopback_bowout=false]loopback/8001/agents",
                    status: "Available",
                    lastStatusChange: 1_796_024_740
                ),
                .init(name: "8002", contact: nil, status: "Logged Out", lastStatusChange: 1_796_024_741),
            ]
        )
        #expect(try FreeSWITCHAgentList.parse("+OK\n").isEmpty)
        #expect(throws: FreeSWITCHAgentList.ParseError.missingOK) {
            try FreeSWITCHAgentList.parse("name|contact|status\n")
        }
        #expect(throws: FreeSWITCHAgentList.ParseError.refused("-ERR Unknown command")) {
            try FreeSWITCHAgentList.parse("-ERR Unknown command\n")
        }
    }

    @Test(
        "the extension in a contact or channel name",
        arguments: [
            ("user/8001", "8001"),
            ("user/8001@default", "8001"),
            ("loopback/8001/agents", "8001"),
            ("[call_timeout=10,loopback_bowout=false]loopback/8001/agents", "8001"),
            ("{ignore_early_media=true}[x=1]user/8001", "8001"),
            ("loopback/8001-a", "8001"),
            ("loopback/phone-8002-b", "phone-8002"),
            ("sofia/internal/8001@192.0.2.10:5060", "8001"),
            ("sofia/internal/sip:8001@host;transport=tcp", "8001"),
            ("sofia/gateway/carrier/13800138000", "13800138000"),
            ("PJSIP/8001", "8001"),
            ("Local/8001@agents", "8001"),
            ("${sofia_contact(8001@default)}", "8001"),
            ("[leg_timeout=15]${sofia_contact(internal/8001@192.0.2.1)}", "8001"),
        ]
    )
    func extensions(dialString: String, expected: String) {
        #expect(FreeSWITCHExtension.from(dialString: dialString) == expected)
    }

    @Test(
        "no single extension",
        arguments: ["", "user/8001,user/8002", "8001", "{unclosed user/8001", "user/", "sofia/x"]
    )
    func noExtension(dialString: String) {
        #expect(FreeSWITCHExtension.from(dialString: dialString) == nil)
    }
}
