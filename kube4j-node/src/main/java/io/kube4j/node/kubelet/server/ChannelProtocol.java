package io.kube4j.node.kubelet.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Kubernetes WebSocket channel subprotocols. Each message starts with a channel number: a
 * byte, or for the base64 variants an ASCII digit followed by the base64 of the data.
 * v4 sends the exec status as metav1.Status JSON on channel 3 where v1 sends only a failure's
 * message; v5 adds the client's CLOSE signal (channel 255, payload: the closed channel).
 */
enum ChannelProtocol {
    /** No subprotocol asked for: binary, like channel.k8s.io. */
    NONE("", false, false, false),
    V1("channel.k8s.io", false, false, false),
    V1_BASE64("base64.channel.k8s.io", true, false, false),
    V4("v4.channel.k8s.io", false, true, false),
    V4_BASE64("v4.base64.channel.k8s.io", true, true, false),
    V5("v5.channel.k8s.io", false, true, true);

    final String wireName;
    final boolean base64;
    final boolean statusJson;
    final boolean closeSignal;

    ChannelProtocol(String wireName, boolean base64, boolean statusJson, boolean closeSignal) {
        this.wireName = wireName;
        this.base64 = base64;
        this.statusJson = statusJson;
        this.closeSignal = closeSignal;
    }

    static ChannelProtocol of(String wireName) {
        for (ChannelProtocol p : values()) {
            if (p.wireName.equals(wireName)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown channel protocol " + wireName);
    }

    /** The subprotocols a client offered, in its order, from all its Sec-WebSocket-Protocol headers. */
    static List<String> offered(List<String> headerValues) {
        List<String> out = new ArrayList<>();
        for (String h : headerValues) {
            for (String p : h.split(",")) {
                String t = p.trim();
                if (!t.isEmpty()) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /**
     * The first offered protocol that is supported ("" when none was offered and "" is
     * supported), or null: upstream's choice, where the client's order decides.
     */
    static String select(List<String> offered, List<String> supported) {
        if (offered.isEmpty()) {
            return supported.contains("") ? "" : null;
        }
        for (String o : offered) {
            for (String s : supported) {
                if (!s.isEmpty() && s.toLowerCase(Locale.ROOT).equals(o.toLowerCase(Locale.ROOT))) {
                    return s;
                }
            }
        }
        return null;
    }
}
