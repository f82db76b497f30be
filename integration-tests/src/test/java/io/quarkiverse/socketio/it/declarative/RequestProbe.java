package io.quarkiverse.socketio.it.declarative;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

/** A request-scoped bean: each instance gets a new id, and records where it is used and when it is destroyed. */
@RequestScoped
public class RequestProbe {

    private static final AtomicInteger IDS = new AtomicInteger();

    @Inject
    ProbeLog log;

    private int id;

    @PostConstruct
    void created() {
        id = IDS.incrementAndGet();
    }

    /** Records the use, and returns this instance's id. Fails when no request context is active. */
    public int use(String where) {
        log.add("use " + where + " " + id);
        return id;
    }

    @PreDestroy
    void destroyed() {
        log.add("destroy " + id);
    }
}
