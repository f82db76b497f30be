package io.quarkiverse.socketio.runtime.cluster.primary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class EngineOpenPacketTest {

    @Test
    void theSidOfAWorkersOpenPacket() {
        assertEquals("AbC-_0123456789abcdef", EngineOpenPacket.sid(
                "0{\"sid\":\"AbC-_0123456789abcdef\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,"
                        + "\"pingTimeout\":20000,\"maxPayload\":1000000}"));
    }

    @Test
    void theSidOfAnotherServersOpenPacketAndOfAPollingPayload() {
        assertEquals("x", EngineOpenPacket.sid("0{\"upgrades\":[],\"sid\":\"x\"}"));
        assertEquals("y", EngineOpenPacket.sid("0{\"pingInterval\":1,\"sid\":\"y\"}\u001e40{\"sid\":\"z\"}"));
        assertEquals("w", EngineOpenPacket.sid("0{\"sid\":\"w\"}\u001e40"));
    }

    @Test
    void noSidFromOtherPackets() {
        assertNull(EngineOpenPacket.sid(null));
        assertNull(EngineOpenPacket.sid("0"));
        assertNull(EngineOpenPacket.sid("40{\"sid\":\"x\"}"));
        assertNull(EngineOpenPacket.sid("4{\"sid\":\"x\"}"));
        assertNull(EngineOpenPacket.sid("0{\"sid\":\"\"}"));
        assertNull(EngineOpenPacket.sid("0{\"sid\":5}"));
        assertNull(EngineOpenPacket.sid("0{not json"));
    }
}
