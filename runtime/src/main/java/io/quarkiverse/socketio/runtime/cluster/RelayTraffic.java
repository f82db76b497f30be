package io.quarkiverse.socketio.runtime.cluster;

/**
 * What a relay between the workers delivered since it started: frames (a frame to every worker counts once per
 * receiver) and their bytes.
 */
public record RelayTraffic(long frames, long bytes) {
}
