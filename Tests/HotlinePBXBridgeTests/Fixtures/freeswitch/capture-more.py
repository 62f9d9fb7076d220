#!/usr/bin/env python3
"""Record raw event-socket bytes for more hotline scenarios, like ../shared/pbx/freeswitch/transcripts/capture.py.

usage: capture-more.py ringall|withheld|transfer|logout|session OUTDIR [ESL_PORT]

Needs the shared FreeSWITCH configuration plus a queue `complaints-ringall` (strategy ring-all, tiers for agents
8001 and 8002) joined by dialling 12346 in context `hotline` (see README.md). Writes OUTDIR/<scenario>.esl, every
byte FreeSWITCH sent, verbatim, and OUTDIR/<scenario>.sent, what this script sent."""
import re, socket, sys, threading, time

HOST, PASSWORD = "127.0.0.1", "ClueCon"
PORT = int(sys.argv[3]) if len(sys.argv) > 3 else 8021
EVENTS = "CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_BRIDGE CHANNEL_HANGUP_COMPLETE CUSTOM callcenter::info"


class Connection:
    def __init__(self, received_path, sent_path):
        self.sock = socket.create_connection((HOST, PORT), timeout=5)
        self.sock.settimeout(None)
        self.received = open(received_path, "wb")
        self.sent = open(sent_path, "wb")
        self.data = b""
        self.changed = threading.Condition()
        self.closed = False
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        while True:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                chunk = b""
            with self.changed:
                if not chunk:
                    self.closed = True
                    self.changed.notify_all()
                    return
                self.received.write(chunk)
                self.received.flush()
                self.data += chunk
                self.changed.notify_all()

    def wait_for(self, pattern, timeout=20.0, start=0):
        expression = re.compile(pattern)
        deadline = time.time() + timeout
        with self.changed:
            while True:
                match = expression.search(self.data, start)
                if match:
                    return match
                left = deadline - time.time()
                if left <= 0 or self.closed:
                    raise TimeoutError(pattern)
                self.changed.wait(left)

    def send(self, command):
        data = (command + "\n\n").encode()
        self.sent.write(data)
        self.sent.flush()
        self.sock.sendall(data)

    def api(self, command, timeout=30.0):
        with self.changed:
            start = len(self.data)
        self.send("api " + command)
        match = self.wait_for(rb"Content-Type: api/response\nContent-Length: (\d+)\n\n", timeout, start)
        length = int(match.group(1))
        self.wait_for(rb"(?s).{%d}" % length, timeout, match.end())
        return self.data[match.end():match.end() + length].decode()

    def count(self, pattern):
        with self.changed:
            return len(re.findall(pattern, self.data))

    def wait_count(self, pattern, count, timeout=30.0):
        deadline = time.time() + timeout
        while self.count(pattern) < count and time.time() < deadline:
            time.sleep(0.2)


def originate(connection, number, name, dialled):
    return connection.api(
        "originate {origination_caller_id_name='%s',origination_caller_id_number=%s,loopback_bowout=false}"
        "loopback/%s/hotline &park()" % (name, number, dialled))


def session(outdir):
    """A bridge that connects while a call waits in the queue: the conversation FreeSWITCHSession holds (auth,
    event plain, agent list, show channels), then the waiting caller is hung up and an agent comes back."""
    setup = Connection(f"{outdir}/session-setup.esl", f"{outdir}/session-setup.sent")
    setup.wait_for(rb"Content-Type: auth/request\n\n")
    setup.send("auth " + PASSWORD)
    setup.wait_for(rb"Reply-Text: \+OK accepted")
    for agent in ("8001", "8002"):
        setup.api(f"callcenter_config agent set status {agent} 'On Break'")
    caller = originate(setup, "13900001111", "Li Lei", "12345").split()[-1]
    time.sleep(1.0)
    c = Connection(f"{outdir}/session.esl", f"{outdir}/session.sent")
    c.wait_for(rb"Content-Type: auth/request\n\n")
    c.send("auth " + PASSWORD)
    c.wait_for(rb"Reply-Text: \+OK accepted")
    c.send("event plain " + EVENTS)
    c.wait_for(rb"Reply-Text: \+OK event listener enabled plain")
    c.send("api callcenter_config agent list")
    c.send("api show channels")
    c.wait_for(rb"\d+ total\.\n")
    time.sleep(1.0)
    # bgapi: the reply is a command/reply, so the bridge's api replies stay in order.
    c.send(f"bgapi uuid_kill {caller} NORMAL_CLEARING")
    c.wait_count(rb"Event-Name: CHANNEL_HANGUP_COMPLETE", 2)
    time.sleep(1.0)
    c.send("bgapi callcenter_config agent set status 8001 Available")
    c.wait_for(rb"CC-Agent-Status: Available")
    time.sleep(0.5)
    c.send("exit")
    time.sleep(0.5)
    setup.api("callcenter_config agent set status 8002 Available")
    setup.send("exit")
    print("hangups:", c.count(rb"Event-Name: CHANNEL_HANGUP_COMPLETE"))


def main():
    scenario, outdir = sys.argv[1], sys.argv[2]
    if scenario == "session":
        session(outdir)
        return
    c = Connection(f"{outdir}/{scenario}.esl", f"{outdir}/{scenario}.sent")
    c.wait_for(rb"Content-Type: auth/request\n\n")
    c.send("auth " + PASSWORD)
    c.wait_for(rb"Reply-Text: \+OK accepted")
    c.send("event plain " + EVENTS)
    c.wait_for(rb"Reply-Text: \+OK event listener enabled plain")
    hangups = rb"Event-Name: CHANNEL_HANGUP_COMPLETE"
    if scenario == "ringall":
        # Both agents ring at once; the first to answer takes the call, the other's leg is cancelled.
        for agent in ("8001", "8002"):
            c.api(f"callcenter_config agent set status {agent} Available")
            c.api(f"callcenter_config agent set state {agent} Waiting")
        print("originate:", originate(c, "13812345678", "王女士", "12346").strip())
        c.wait_for(rb"CC-Action: bridge-agent-start", 30)
        c.wait_count(rb"CC-Action: member-queue-end", 1)
        time.sleep(3.0)
    elif scenario == "withheld":
        for agent in ("8001", "8002"):
            c.api(f"callcenter_config agent set status {agent} Available")
            c.api(f"callcenter_config agent set state {agent} Waiting")
        print("originate:", originate(c, "anonymous", "Anonymous", "12345").strip())
        c.wait_for(rb"CC-Action: bridge-agent-start", 30)
        c.wait_count(rb"CC-Action: member-queue-end", 1)
        time.sleep(3.0)
    elif scenario == "transfer":
        # 8002 answers; then the caller is sent back to the queue (a transfer to the queue), where 8001 answers
        # while 8002 is in wrap-up.
        c.api("callcenter_config agent set status 8001 'On Break'")
        for agent in ("8002",):
            c.api(f"callcenter_config agent set status {agent} Available")
            c.api(f"callcenter_config agent set state {agent} Waiting")
        reply = originate(c, "5551234", "Alice Example", "12345").strip()
        print("originate:", reply)
        start = c.wait_for(rb"CC-Action: bridge-agent-start\nCC-Agent: 8002", 30)
        caller = re.search(rb"CC-Member-Session-UUID: ([0-9a-f-]+)", c.data[start.start():]).group(1).decode()
        time.sleep(1.0)
        c.api("callcenter_config agent set status 8001 Available")
        c.api("callcenter_config agent set state 8001 Waiting")
        print("transfer:", c.api(f"uuid_transfer {caller} 12345 XML hotline").strip())
        c.wait_for(rb"CC-Action: bridge-agent-start\nCC-Agent: 8001", 30)
        c.wait_count(rb"CC-Action: member-queue-end", 2, 30)
        time.sleep(3.0)
    elif scenario == "logout":
        c.api("callcenter_config agent set status 8001 Available")
        c.api("callcenter_config agent set status 8001 'Logged Out'")
        c.api("callcenter_config agent set status 8001 'On Break'")
        c.api("callcenter_config agent set status 8001 Available")
        print("agents:", c.api("callcenter_config agent list").strip())
        print("channels:", c.api("show channels").strip())
    c.send("exit")
    time.sleep(0.5)
    print("hangups:", c.count(hangups), "callcenter:", c.count(rb"Event-Subclass: callcenter%3A%3Ainfo"))


if __name__ == "__main__":
    main()
