package io.kube4j.storage.sqlite;

import io.kube4j.storage.KeyValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process for the kill -9 test: creates keys from several threads and prints
 * {@code ACK <key> <revision>} for each write the storage has acknowledged, until it is killed.
 * Arguments: data directory, keys per thread, threads.
 */
public final class SqliteCrashWriter {
    private SqliteCrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int perThread = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        SqliteStorage storage = new SqliteStorage(dir);
        System.out.println("READY");
        System.out.flush();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    String key = "/crash/t" + id + "/k" + i;
                    KeyValue kv = storage.create(key, ("value-" + i).getBytes(StandardCharsets.UTF_8));
                    synchronized (System.out) {
                        System.out.println("ACK " + key + " " + kv.modRevision());
                        System.out.flush();
                    }
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        storage.close();
        System.out.println("DONE");
    }
}
