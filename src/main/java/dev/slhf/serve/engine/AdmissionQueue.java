package dev.slhf.serve.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The engine's waiting line: new requests in a bounded queue ({@code max-waiting}), and the later
 * rounds of accepted requests ({@link Admission#RESERVED}) in a queue of their own that is served
 * first and never refuses.
 *
 * <p>The reserved queue needs no bound of its own: each accepted refinement has at most one
 * round queued or running at a time, and because reserved rounds are admitted before new requests,
 * the number of refinements in flight never exceeds what the bounded queue and the batch let in.
 */
final class AdmissionQueue {

    private final int capacity;
    private final ArrayDeque<Sequence> reserved = new ArrayDeque<>();
    private final ArrayDeque<Sequence> fresh = new ArrayDeque<>();

    AdmissionQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Queues {@code seq}; false when it is NEW and the bounded queue is full. */
    synchronized boolean offer(Sequence seq, Admission admission) {
        if (admission == Admission.RESERVED) {
            reserved.addLast(seq);
        } else if (fresh.size() >= capacity) {
            return false;
        } else {
            fresh.addLast(seq);
        }
        notifyAll();
        return true;
    }

    /** Whether a NEW request would be accepted now. */
    synchronized boolean hasRoom() {
        return fresh.size() < capacity;
    }

    /** The next sequence to admit, reserved rounds first; null if none. */
    synchronized Sequence poll() {
        Sequence next = reserved.pollFirst();
        return next != null ? next : fresh.pollFirst();
    }

    /** As {@link #poll()}, waiting up to {@code timeout} for one to arrive. */
    synchronized Sequence poll(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (reserved.isEmpty() && fresh.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return poll();
    }

    synchronized boolean remove(Sequence seq) {
        return reserved.remove(seq) || fresh.remove(seq);
    }

    synchronized int size() {
        return reserved.size() + fresh.size();
    }

    /** A copy, for scanning without holding the lock (deadline checks). */
    synchronized List<Sequence> snapshot() {
        List<Sequence> all = new ArrayList<>(reserved);
        all.addAll(fresh);
        return all;
    }
}
