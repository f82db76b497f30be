package io.quarkiverse.socketio.runtime.server;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * Collects the acknowledgements of a broadcast: each server (adapter) reports how many clients it reached, then the
 * acknowledgements arrive; done when every server reported and every reached client answered.
 */
final class AckCollector {

    private final Consumer<List<JsonNode>> onComplete;
    private int serversPending;
    private int acksPending;
    private final List<JsonNode> responses = new ArrayList<>();
    private boolean finished;

    AckCollector(int servers, Consumer<List<JsonNode>> onComplete) {
        this.serversPending = servers;
        this.onComplete = onComplete;
    }

    synchronized void expect(int clients) {
        serversPending--;
        acksPending += clients;
        completeIfDone();
    }

    synchronized void add(JsonNode response) {
        if (finished) {
            return;
        }
        responses.add(response == null ? NullNode.getInstance() : response);
        acksPending--;
        completeIfDone();
    }

    synchronized void timeOut(Consumer<List<JsonNode>> onTimeout) {
        if (!finished) {
            finished = true;
            onTimeout.accept(List.copyOf(responses));
        }
    }

    private void completeIfDone() {
        if (!finished && serversPending <= 0 && acksPending <= 0) {
            finished = true;
            onComplete.accept(List.copyOf(responses));
        }
    }
}
