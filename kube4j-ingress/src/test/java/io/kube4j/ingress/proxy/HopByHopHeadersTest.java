package io.kube4j.ingress.proxy;

import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HopByHopHeadersTest {
    @Test
    void knowsTheHopByHopHeadersInAnyCaseAndAsAnyCharSequence() {
        for (String name : List.of("Connection", "keep-alive", "Proxy-Connection", "Proxy-Authenticate",
                "PROXY-AUTHORIZATION", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host", "HTTP2-Settings")) {
            assertThat(HopByHopHeaders.contains(name)).as(name).isTrue();
            assertThat(HopByHopHeaders.contains(new AsciiString(name))).as(name).isTrue();
            assertThat(HopByHopHeaders.contains(new StringBuilder(name))).as(name).isTrue();
        }
    }

    @Test
    void forwardsEndToEndHeadersEvenWithTheSameLengthAsAHopByHopOne() {
        // same lengths as te, host, upgrade, connection, http2-settings, transfer-encoding...
        for (String name : List.of("Accept", "X-Forwarded-For", "Content-Length", "If-Modified-Since", "tf", "Hosts",
                "Cookie", "Referer", "User-Agent", "Content-Type", "Authorization", "", "Te-Extra", "x-upgrade")) {
            assertThat(HopByHopHeaders.contains(name)).as(name).isFalse();
        }
    }

    @Test
    void copiesEndToEndHeadersWithRepeatsAndOrderFromVertxAndOtherMaps() {
        MultiMap http1 = HeadersMultiMap.httpHeaders();
        http1.add(new AsciiString("Accept"), new AsciiString("*/*"));
        http1.add("Connection", "keep-alive, Upgrade");
        http1.add("Cookie", "a=1");
        http1.add("cookie", "b=2");
        http1.add("Host", "foo.com");
        http1.add("Upgrade", "h2c");
        MultiMap generic = MultiMap.caseInsensitiveMultiMap().addAll(http1);
        for (MultiMap from : List.of(http1, generic)) {
            MultiMap to = HeadersMultiMap.httpHeaders();
            ReverseProxy.copyEndToEnd(from, to);
            assertThat(to.entries()).extracting(Map.Entry::getKey, Map.Entry::getValue).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("Accept", "*/*"),
                    org.assertj.core.groups.Tuple.tuple("Cookie", "a=1"),
                    org.assertj.core.groups.Tuple.tuple("cookie", "b=2"));
        }
    }
}
