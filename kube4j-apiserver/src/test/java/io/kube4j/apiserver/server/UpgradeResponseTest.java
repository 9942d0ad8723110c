package io.kube4j.apiserver.server;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UpgradeResponseTest {
    @Test
    void aHeadIsReadOnlyOnceItsBlankLineArrived() {
        assertThat(UpgradeResponse.parseHead(Buffer.buffer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\n"))).isNull();
        UpgradeResponse.Head h = UpgradeResponse.parseHead(Buffer.buffer(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\nXYZ"));
        assertThat(h.status()).isEqualTo(101);
        assertThat(h.header("x-stream-protocol-version")).isEqualTo("v4.channel.k8s.io");
        assertThat(h.length()).isEqualTo("HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n".length());
    }

    @Test
    void chunkedBodiesAreDecodedOnceTheLastChunkArrived() {
        String head = "HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n";
        Buffer partial = Buffer.buffer(head + "5\r\nhello\r\n6\r\n wor");
        UpgradeResponse.Head h = UpgradeResponse.parseHead(partial);
        assertThat(UpgradeResponse.body(h, partial, false)).isNull();
        Buffer full = Buffer.buffer(head + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        assertThat(UpgradeResponse.body(h, full, false).toString()).isEqualTo("hello world");
    }

    @Test
    void contentLengthAndConnectionEndFrameOtherBodies() {
        Buffer sized = Buffer.buffer("HTTP/1.1 400 Bad Request\r\nContent-Length: 4\r\n\r\nnope");
        UpgradeResponse.Head h = UpgradeResponse.parseHead(sized);
        assertThat(UpgradeResponse.body(h, sized, false).toString()).isEqualTo("nope");
        Buffer unframed = Buffer.buffer("HTTP/1.1 500 Internal Server Error\r\n\r\nboom");
        UpgradeResponse.Head u = UpgradeResponse.parseHead(unframed);
        assertThat(UpgradeResponse.body(u, unframed, false)).isNull();
        assertThat(UpgradeResponse.body(u, unframed, true).toString()).isEqualTo("boom");
    }
}
