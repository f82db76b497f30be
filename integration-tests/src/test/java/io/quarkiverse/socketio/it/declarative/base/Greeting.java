package io.quarkiverse.socketio.it.declarative.base;

import io.quarkiverse.socketio.OnEvent;

/** An interface whose default method is a handler of the beans that implement it. */
public interface Greeting {

    @OnEvent("greet")
    default String greet(String name) {
        return "hello " + name + " from " + getClass().getSimpleName();
    }
}
