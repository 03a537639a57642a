package dev.trainingrun.trainer.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.safetensors.DType;
import dev.trainingrun.trainer.safetensors.InvalidSafetensorsException;
import dev.trainingrun.trainer.safetensors.SafetensorsFile;
import dev.trainingrun.trainer.safetensors.Tensor;
import dev.trainingrun.trainer.torch.TorchOps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network's parameters as torchvision's {@code state_dict}: the same names, shapes and order, batch-norm running
 * statistics included, and each batch norm's {@code num_batches_tracked} (which DJL does not keep: every batch
 * norm of these networks runs in training mode once per trained batch, so it is the run's count of trained
 * batches). And the way back, into a network of the same shape.
 */
public final class ModelState {
    private static final String RUNNING_VAR = ".running_var";
    private static final String NUM_BATCHES_TRACKED = ".num_batches_tracked";

    private ModelState() {}

    /** The state_dict tensors of {@code network}, read from its arrays when written. */
    public static List<Tensor> tensors(Network network, long trainedBatches) {
        List<Tensor> tensors = new ArrayList<>();
        network.parameters().forEach((name, parameter) -> {
            tensors.add(tensor(name, parameter.getArray()));
            if (name.endsWith(RUNNING_VAR)) {
                String module = name.substring(0, name.length() - RUNNING_VAR.length());
                tensors.add(Tensor.scalar(module + NUM_BATCHES_TRACKED, trainedBatches));
            }
        });
        return tensors;
    }

    /**
     * Sets every parameter of {@code network} from the same-named tensor of {@code file}, after checking that each
     * is there with the right dtype and shape and reading them all (nothing is changed when that fails).
     */
    public static void load(Network network, SafetensorsFile file) throws IOException {
        Map<String, SafetensorsFile.Entry> entries = file.tensors();
        for (Map.Entry<String, Parameter> parameter : network.parameters().entrySet()) {
            SafetensorsFile.Entry entry = entries.get(parameter.getKey());
            long[] shape = parameter.getValue().getArray().getShape().getShape();
            if (entry == null || entry.dtype() != DType.F32 || !Arrays.equals(entry.shape(), shape)) {
                throw new InvalidSafetensorsException("tensor " + parameter.getKey() + ": expected F32 "
                        + Arrays.toString(shape) + ", found " + (entry == null ? "none"
                        : entry.dtype() + " " + Arrays.toString(entry.shape())));
            }
        }
        // Everything is read before anything is set, so a read error leaves the network as it was.
        Map<String, ByteBuffer> values = new LinkedHashMap<>();
        for (String name : network.parameters().keySet()) {
            values.put(name, file.read(name));
        }
        set(network, values);
    }

    /** Sets the named parameters of {@code network} from their float32 bytes, little-endian. */
    static void set(Network network, Map<String, ByteBuffer> values) {
        // A FloatBuffer view makes DJL copy the values into the engine's own memory.
        values.forEach((name, bytes) -> network.parameters().get(name).getArray().set(bytes.asFloatBuffer()));
    }

    /** A float32 engine array as a tensor to write, read when written (in place on the CPU, else copied). */
    static Tensor tensor(String name, NDArray array) {
        return new Tensor(name, DType.F32, array.getShape().getShape(), () -> bytes(array));
    }

    /** The array's bytes, row-major: on the CPU its own memory read in place where it is stored so; else a copy. */
    private static ByteBuffer bytes(NDArray array) {
        if (array.getDevice().equals(Device.cpu())) {
            // Read in place, an array stored otherwise (a channels-last weight) would be copied row-major into an
            // array that DJL gives the original's manager, the network's: each save would keep one until the run
            // ends. The copy into the Java heap is the garbage collector's.
            return array.toByteBuffer(TorchOps.isContiguous(array));
        }
        try (NDArray host = array.toDevice(Device.cpu(), true)) {
            return host.toByteBuffer(false);
        }
    }
}
