package dev.trainingrun.trainer.checkpoint;

import dev.trainingrun.trainer.events.LoadedWeights;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.safetensors.SafetensorsFile;
import dev.trainingrun.trainer.safetensors.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Puts a torchvision {@code state_dict} saved as safetensors (by {@code safetensors.torch.save_file(model
 * .state_dict(), f)}, or a run's own {@code model-*.safetensors} export) into a network built for a run: the usual
 * start of fine-tuning. The file must hold exactly the network's state_dict as {@link ModelState#tensors} writes it:
 * the same names, shapes and dtypes, batch norm's running statistics and int64 {@code num_batches_tracked}
 * included. Only the head may differ: when the shapes of {@code fc.weight} and {@code fc.bias} do not both fit (a
 * file for another class count), the head keeps the network's own initialisation, which is what a fresh run of the
 * same seed starts with. Everything is checked and read before anything is set, so a refused file leaves the network
 * as it was.
 */
public final class StateDictLoader {
    private static final int DIGEST_BUFFER = 1 << 16;

    private StateDictLoader() {}

    /**
     * Loads {@code file} into {@code network}.
     *
     * @throws StateDictMismatchException when a tensor is missing, extra, or of another shape or dtype than the
     *     network's; the message names the first such tensor in state_dict order (extra tensors after the missing
     *     and different ones) with what was expected and found, and how many tensors do not fit in all
     * @throws IOException when the file cannot be read or is not an intact safetensors file
     *     ({@link dev.trainingrun.trainer.safetensors.InvalidSafetensorsException})
     */
    public static LoadedWeights load(Network network, Path file) throws IOException {
        String sha256 = sha256(file);
        try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
            Map<String, SafetensorsFile.Entry> found = safetensors.tensors();
            Map<String, Tensor> expected = new LinkedHashMap<>();
            ModelState.tensors(network, 0).forEach(tensor -> expected.put(tensor.name(), tensor));
            Set<String> head = network.headNames();
            boolean headFromFile = head.stream().allMatch(name -> found.containsKey(name)
                    && Arrays.equals(found.get(name).shape(), expected.get(name).shape()));
            List<String> mismatches = new ArrayList<>();
            for (Tensor tensor : expected.values()) {
                SafetensorsFile.Entry entry = found.get(tensor.name());
                if (entry == null) {
                    mismatches.add("tensor " + tensor.name() + " is missing, expected " + describe(tensor));
                } else if ((headFromFile || !head.contains(tensor.name()))
                        && (entry.dtype() != tensor.dtype() || !Arrays.equals(entry.shape(), tensor.shape()))) {
                    mismatches.add("tensor " + tensor.name() + " is " + entry.dtype() + " "
                            + Arrays.toString(entry.shape()) + ", expected " + describe(tensor));
                }
            }
            found.forEach((name, entry) -> {
                if (!expected.containsKey(name)) {
                    mismatches.add("tensor " + name + " (" + entry.dtype() + " " + Arrays.toString(entry.shape())
                            + ") is not in " + network.architecture() + "'s state_dict");
                }
            });
            if (!mismatches.isEmpty()) {
                // Counted against both sides: a missing tensor is none of the file's.
                throw new StateDictMismatchException(mismatches.get(0) + " (" + mismatches.size() + " tensors do not "
                        + "fit: the file has " + (found.isEmpty() ? "none" : found.size()) + ", "
                        + network.architecture() + "'s state_dict " + expected.size() + ")");
            }
            Map<String, ByteBuffer> values = new LinkedHashMap<>();
            for (String name : network.parameters().keySet()) {
                if (headFromFile || !head.contains(name)) {
                    values.put(name, safetensors.read(name));
                }
            }
            ModelState.set(network, values);
            return new LoadedWeights(file, sha256, values.size(), headFromFile);
        }
    }

    private static String describe(Tensor tensor) {
        return tensor.dtype() + " " + Arrays.toString(tensor.shape());
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[DIGEST_BUFFER];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** A state_dict whose tensors do not fit the network: another architecture, or a tensor renamed or reshaped. */
    public static final class StateDictMismatchException extends IOException {
        StateDictMismatchException(String message) {
            super(message);
        }
    }
}
