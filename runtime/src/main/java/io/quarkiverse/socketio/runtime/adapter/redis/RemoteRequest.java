package io.quarkiverse.socketio.runtime.adapter.redis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A request to the other servers of a Redis adapter (fetchSockets, serverSideEmitWithAck, the client counts of a
 * broadcast with acknowledgements), waiting for as many answers as Redis counted other servers when it started, as
 * Node's adapters do: Redis tells how many connections subscribe to the namespace's channel, one per server.
 * <p>
 * Unlike Node's, it does not wait for a server that cannot answer:
 * <ul>
 * <li>when Redis counts fewer subscribers while it waits ({@link #subscribers(int)}: a server that died, or left, has
 * lost its connection), fewer answers are expected;</li>
 * <li>a Java server that stopped telling it is alive ({@link #silent(String)}), or that answered it will not answer
 * ({@link #unanswered(String)}), is no longer waited for.</li>
 * </ul>
 * Answers carry the responder's uid when it sends one (Java servers always do; Node's classic adapter does not for
 * fetchSockets), so a server that answered and then went silent is not counted twice.
 * <p>
 * Threading: confined to the adapter's context.
 *
 * @param <T> what the answers carry
 */
final class RemoteRequest<T> {

    final String id;
    private final List<T> results;
    private final Consumer<List<T>> onComplete;
    private final Set<String> answeredBy = new HashSet<>();
    private final Set<String> givenUp = new HashSet<>();
    /** answers expected: the other servers Redis counted */
    private int expected;
    private int answers;
    private boolean done;
    long timer = -1;

    /**
     * @param expected how many other servers Redis counted when the request started: none, and the request is
     *        complete at once (its {@code onComplete} called before this returns), as Node's is
     * @param initial what this server contributes itself
     * @param onComplete called once, with every answer, when the last expected one came
     */
    RemoteRequest(String id, int expected, List<T> initial, Consumer<List<T>> onComplete) {
        this.id = id;
        this.expected = Math.max(0, expected);
        this.results = new ArrayList<>(initial);
        this.onComplete = onComplete;
        completeIfDone();
    }

    /** One server's answer; {@code from} is its uid, or {@code null} when it did not say. */
    void answer(String from, List<T> items) {
        if (done || (from != null && (!answeredBy.add(from) || givenUp.contains(from)))) {
            return;
        }
        answers++;
        results.addAll(items);
        completeIfDone();
    }

    /** A Java server will not answer: it has nothing that can (no handler for the event), or does not know the type. */
    void unanswered(String from) {
        if (!done && !answeredBy.contains(from) && givenUp.add(from)) {
            expected--;
            completeIfDone();
        }
    }

    /** A Java server stopped telling it is alive: not waited for, unless it answered already. */
    void silent(String from) {
        unanswered(from);
    }

    /** Redis counts {@code count} subscribers now, this server included: a server gone is not waited for. */
    void subscribers(int count) {
        if (!done && count - 1 < expected) {
            expected = Math.max(0, count - 1);
            completeIfDone();
        }
    }

    /** Whether every expected answer came. */
    boolean isDone() {
        return done;
    }

    /** How many answers are still missing. */
    int missing() {
        return Math.max(0, expected - answers);
    }

    /** What arrived so far. */
    List<T> partial() {
        return List.copyOf(results);
    }

    /** Ends the request without completing it (its timeout); false when it had ended already. */
    boolean end() {
        if (done) {
            return false;
        }
        done = true;
        return true;
    }

    private void completeIfDone() {
        if (!done && answers >= expected) {
            done = true;
            onComplete.accept(List.copyOf(results));
        }
    }
}
