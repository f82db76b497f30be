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
 * lost its connection), the servers gone are taken to be among those that have not answered, unless they are known to
 * have answered (a Java server that answered and then said goodbye, or fell silent);</li>
 * <li>a Java server that answered it will not answer ({@link #unanswered(String)}), that said goodbye or that stopped
 * telling it is alive ({@link #silent(String)}) is no longer waited for.</li>
 * </ul>
 * The two ways of learning that a server is gone are not added up: one server that closed its connection and then
 * fell silent is one server less, and one that answered and then left takes nothing from the servers still to answer.
 * What stays unknowable is which server left when Redis counts one less and none said so: an answered server whose
 * process died without a word, and whose answer carried no uid (Node's classic adapter sends none), is taken for one
 * that had not answered, and the request may end without the answer of a server still there.
 * <p>
 * Answers carry the responder's uid when it sends one (Java servers always do; Node's classic adapter does not), so a
 * server is not counted twice.
 * <p>
 * Threading: confined to the adapter's context.
 *
 * @param <T> what the answers carry
 */
final class RemoteRequest<T> {

    final String id;
    private final List<T> results;
    private final Consumer<List<T>> onComplete;
    /** the other servers Redis counted when the request started */
    private final int asked;
    /** the other servers Redis counts now */
    private int others;
    private int answers;
    private final Set<String> answeredBy = new HashSet<>();
    /** Java servers that said they will not answer */
    private final Set<String> declined = new HashSet<>();
    /** Java servers that said goodbye or fell silent */
    private final Set<String> gone = new HashSet<>();
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
        this.asked = Math.max(0, expected);
        this.others = asked;
        this.results = new ArrayList<>(initial);
        this.onComplete = onComplete;
        completeIfDone();
    }

    /** One server's answer; {@code from} is its uid, or {@code null} when it did not say. */
    void answer(String from, List<T> items) {
        if (done || (from != null && !answeredBy.add(from))) {
            return;
        }
        answers++;
        results.addAll(items);
        completeIfDone();
    }

    /** A Java server will not answer: it has nothing that can (no handler for the event), or does not know the type. */
    void unanswered(String from) {
        if (!done && declined.add(from)) {
            completeIfDone();
        }
    }

    /** A Java server said goodbye, or stopped telling it is alive: not waited for, unless it answered already. */
    void silent(String from) {
        if (!done && gone.add(from)) {
            completeIfDone();
        }
    }

    /** Redis counts {@code count} subscribers now, this server included. */
    void subscribers(int count) {
        if (!done) {
            others = Math.max(0, count - 1);
            completeIfDone();
        }
    }

    /** Whether every expected answer came. */
    boolean isDone() {
        return done;
    }

    /** How many answers are still missing. */
    int missing() {
        return Math.max(0, waitingFor());
    }

    /**
     * The servers still to answer: of those asked, the ones that did not answer nor said they will not; and no more
     * than Redis counts now, less those of them known to have answered (and not gone) or to decline.
     */
    private int waitingFor() {
        Set<String> notAnswering = new HashSet<>(declined);
        notAnswering.addAll(gone);
        notAnswering.removeAll(answeredBy);
        int byAnswers = asked - answers - notAnswering.size();
        int answeredAndGone = (int) answeredBy.stream().filter(gone::contains).count();
        int stillThereNotToWaitFor = answers - answeredAndGone
                + (int) declined.stream().filter(uid -> !gone.contains(uid) && !answeredBy.contains(uid)).count();
        int byRedis = others - stillThereNotToWaitFor;
        return Math.min(byAnswers, byRedis);
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
        if (!done && waitingFor() <= 0) {
            done = true;
            onComplete.accept(List.copyOf(results));
        }
    }
}
