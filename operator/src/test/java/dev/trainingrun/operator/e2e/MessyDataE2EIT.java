package dev.trainingrun.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.testing.AdobeJpeg;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A data set as people have it, trained in a pod on the real node: the quickstart's shapes with a class folder
 * renamed to a non-ASCII name, the junk macOS and Windows leave, a text file with an image's name, a JPEG cut short
 * after its header, a CMYK JPEG and a 16-bit grey PNG. The run succeeds, and its status (as {@code kubectl get tr
 * -o yaml} shows it), log and files name and count the two unreadable files.
 */
@OnLocalCluster
class MessyDataE2EIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(6);
    private static final String RUN = "messy";
    private static final String CLASS = "c\u00edrculo";
    /** Two epochs are enough to find the cut JPEG while training and to train on full batches all the same. */
    private static final String SPEC = EndToEnd.RESUMABLE_SPEC.replace("epochs: 4", "epochs: 2");

    private static EndToEnd e2e;
    private static KubernetesClient client;

    @BeforeAll
    static void prepare(KubernetesClient kubernetes, Cluster cluster) throws IOException {
        client = kubernetes;
        e2e = EndToEnd.prepare(MessyDataE2EIT.class, client, cluster, 30);
        mess(ClaimFiles.root(client, ShapesData.CLAIM));
    }

    @AfterAll
    static void stop() {
        if (e2e != null) {
            e2e.close();
        }
    }

    /** What the folders get on top of the shapes, written on the claim's directory of this machine. */
    private static void mess(Path data) throws IOException {
        for (String split : List.of("train", "val")) {
            Files.move(data.resolve(split).resolve("circle"), data.resolve(split).resolve(CLASS));
            Files.writeString(data.resolve(split).resolve(".DS_Store"), "junk");
        }
        for (String junk : List.of("train/square/.DS_Store", "train/square/._square-0000.png",
                "train/triangle/Thumbs.db", "train/" + CLASS + "/desktop.ini", "val/square/._square-0001.png")) {
            Files.writeString(data.resolve(junk), "junk");
        }
        Files.createDirectories(data.resolve("train/__MACOSX/square"));
        Files.copy(data.resolve("train/square/square-0000.png"), data.resolve("train/__MACOSX/square/thumb.png"));
        Files.writeString(data.resolve("train/square/notes.jpg"), "a text file with an image's name");
        AdobeJpeg.write(data.resolve("train/" + CLASS + "/cmyk.jpg"), 64, 64, AdobeJpeg.Transform.CMYK);
        BufferedImage grey16 = new BufferedImage(64, 64, BufferedImage.TYPE_USHORT_GRAY);
        SplittableRandom random = new SplittableRandom(3);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                grey16.getRaster().setSample(x, y, 0, random.nextInt(65536));
            }
        }
        ImageIO.write(grey16, "png", data.resolve("train/square/grey16.png").toFile());
        BufferedImage noise = new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                noise.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        Path cut = data.resolve("train/triangle/cut.jpg");
        ImageIO.write(noise, "jpeg", cut.toFile());
        byte[] whole = Files.readAllBytes(cut);
        Files.write(cut, Arrays.copyOf(whole, whole.length * 2 / 3));
    }

    @Test
    void aRunOnAMessyFolderSucceedsAndItsStatusCountsTheSkippedImages() throws IOException {
        e2e.create(RUN, SPEC);
        TrainingRun done = e2e.awaitFinished(RUN, TIMEOUT);
        String logs = e2e.logs(RUN);
        assertEquals(Phase.Succeeded, done.getStatus().getPhase(), logs);

        JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(e2e.kubectl("get", "tr", RUN, "-o", "yaml"));
        JsonNode images = yaml.at("/status/images");
        // 90 shapes + the CMYK JPEG, the 16-bit PNG and the cut JPEG (whole header); the text file is left out.
        assertEquals(93, images.get("train").asInt(), yaml::toPrettyString);
        assertEquals(60, images.get("validation").asInt(), yaml::toPrettyString);
        assertEquals(2, images.get("skipped").asInt(), yaml::toPrettyString);
        System.out.println("[e2e] messy folder: kubectl get tr " + RUN + " -o yaml: status.images " + images);

        for (String file : List.of("/data/train/square/notes.jpg: not an image",
                "/data/train/triangle/cut.jpg: truncated")) {
            Matcher named = Pattern.compile("warning: skipped unreadable image " + Pattern.quote(file)).matcher(logs);
            int times = 0;
            while (named.find()) {
                times++;
            }
            assertEquals(1, times, file + " is named once in the log:\n" + logs);
        }
        Path run = e2e.runDirectory(done);
        JsonNode config = new ObjectMapper().readTree(run.resolve("config.json").toFile());
        assertEquals(List.of(CLASS, "square", "triangle"), texts(config.at("/resolved/classes")));
        List<JsonNode> metrics = e2e.metrics(done);
        assertEquals(2, metrics.get(metrics.size() - 1).get("skippedImages").asInt());
        assertEquals(2, Files.readAllLines(run.resolve("skipped-images.jsonl")).size());
        assertTrue(logs.contains("2 unreadable image(s) were skipped"), logs);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
