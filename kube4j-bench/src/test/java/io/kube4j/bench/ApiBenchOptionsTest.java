package io.kube4j.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Option parsing of the API scenarios, the LIST item counter and the plot. */
class ApiBenchOptionsTest {

    @Test
    void defaultsAreTheIssueSizes() {
        ApiBenchOptions o = BenchOptions.parse(new String[]{"api"}).api();

        assertThat(o.apiClients()).containsExactly(1, 8, 64);
        assertThat(o.listSizes()).containsExactly(10_000, 100_000);
        assertThat(o.fanoutWatchers()).isEqualTo(10_000);
        assertThat(o.fanoutRounds()).isEqualTo(3);
        assertThat(o.pacedRate()).isEqualTo(1000);
        assertThat(o.pacedSeconds()).isEqualTo(10);
        // watch clients announce client-go's windows unless told otherwise (decision 0018)
        assertThat(o.watchWindows()).isEqualTo(WatchRun.ClientWindows.GO);
        assertThat(o.watchWindows().streamWindow()).isEqualTo(4 << 20);
        assertThat(o.watchWindows().connectionWindow()).isEqualTo(1 << 30);
    }

    @Test
    void takesItsOwnOptionsAndLeavesTheOthers() {
        Map<String, String> opts = new HashMap<>(Map.of("api-clients", "2, 4", "list-sizes", "50", "pods", "7",
                "streams-per-connection", "10", "watch-windows", "small"));

        ApiBenchOptions o = ApiBenchOptions.parse(opts);

        assertThat(o.apiClients()).containsExactly(2, 4);
        assertThat(o.listSizes()).containsExactly(50);
        assertThat(o.streamsPerConnection()).isEqualTo(10);
        assertThat(o.watchWindows()).isEqualTo(WatchRun.ClientWindows.SMALL);
        assertThat(opts).containsOnlyKeys("pods");
    }

    @Test
    void rejectsBadValuesAndUnknownOptions() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--api-clients=0"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--fanout-watchers=many"}))
                .hasMessageContaining("--fanout-watchers must be an integer");
        assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--watch-windows=huge"}))
                .hasMessageContaining("--watch-windows must be go or small");
        assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--api-clientz=1"}))
                .hasMessageContaining("api-clientz");
        assertThat(BenchOptions.parse(new String[]{"--paced-seconds=0"}).api().pacedSeconds()).isZero();
    }

    @Test
    void countsTheTopLevelArrayOnlyAndSkipsNestedOnes() throws Exception {
        byte[] body = """
                {"kind":"PodList","metadata":{"items":[1,2,3]},"items":[{"spec":{"items":[1]}},{"a":[[]]},{}]}
                """.getBytes(StandardCharsets.UTF_8);

        assertThat(ListBench.countTopLevelArray(body, "items")).isEqualTo(3);
        assertThat(ListBench.countTopLevelArray(body, "rows")).isEqualTo(-1);
    }

    @Test
    void plotsAPng(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("p.png");

        LatencyPlot.write(png, "t", "x", "y", List.of(new LatencyPlot.Series("get p99", 0, false,
                List.of(new double[]{1, 0.5}, new double[]{8, 3}, new double[]{64, 40}))));

        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(960);
        assertThat(img.getHeight()).isEqualTo(600);
    }
}
