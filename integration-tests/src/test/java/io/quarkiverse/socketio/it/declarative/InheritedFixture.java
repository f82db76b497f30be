package io.quarkiverse.socketio.it.declarative;

import io.quarkiverse.socketio.OnEvent;
import io.quarkiverse.socketio.SocketIO;
import io.quarkiverse.socketio.it.declarative.base.AbstractRoom;

/**
 * Test namespace {@value #NAME}: most of its handlers are inherited, from {@link AbstractRoom} (another package) and
 * the default method of {@link io.quarkiverse.socketio.it.declarative.base.Greeting}.
 */
@SocketIO(namespace = InheritedFixture.NAME)
public class InheritedFixture extends AbstractRoom {

    public static final String NAME = "/inherited";

    @Override
    public String overridden(String text) {
        return "bean-overridden:" + text;
    }

    @OnEvent("renamed")
    @Override
    public String renamed() {
        return "bean-renamed";
    }

    @Override
    protected String implemented(int n) {
        return "implemented:" + n + ":" + Thread.currentThread().getName();
    }

    @Override
    protected String roomName() {
        return NAME;
    }
}
