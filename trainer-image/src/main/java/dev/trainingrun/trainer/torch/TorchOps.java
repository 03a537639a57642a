package dev.trainingrun.trainer.torch;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.LibUtils;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * libtorch operations that DJL 0.33 does not expose, from the trainer's own JNI library
 * ({@code src/main/native/trainingrun_torch.cc}). The build compiles it against the headers of the libtorch DJL runs
 * ({@code hack/trainer-native}) and puts it beside DJL's own JNI library, in the folder DJL loads libtorch from
 * ({@code PYTORCH_LIBRARY_PATH}: {@code target/libtorch}, {@code /app/libtorch} in the image).
 */
public final class TorchOps {
    private static final String LIBRARY = System.mapLibraryName("trainingrun_torch");
    private static volatile boolean loaded;

    private TorchOps() {}

    /**
     * Loads the library (once) after libtorch, which it links against. Every operation below loads it first; calling
     * this earlier makes a missing library fail at a chosen moment (an optimiser's construction) rather than at the
     * first step.
     *
     * @throws IllegalStateException when the library is not beside libtorch, i.e. the trainer runs from a class path
     *     of its own instead of the build's or the image's launcher
     */
    public static void load() {
        // A volatile read once loaded: the optimiser's calls, two per parameter and step, take no lock.
        if (!loaded) {
            loadOnce();
        }
    }

    private static synchronized void loadOnce() {
        if (loaded) {
            return;
        }
        Engine.getEngine("PyTorch");
        Path library = Path.of(LibUtils.getLibtorchPath()).resolve(LIBRARY);
        if (!Files.isRegularFile(library)) {
            throw new IllegalStateException("the trainer's native library " + LIBRARY + " is not in "
                    + library.getParent() + ", where DJL loaded libtorch from; the build puts both into "
                    + "trainer-image/target/libtorch: run the trainer with trainer-image/bin/trainer, or set "
                    + "PYTORCH_LIBRARY_PATH to that folder");
        }
        System.load(library.toString());
        loaded = true;
    }

    /**
     * One {@code torch.optim.AdamW} step of a parameter in libtorch's fused kernel ({@code torch._fused_adamw_}, what
     * {@code AdamW(fused=True)} runs): the parameter and both moments are updated in place in one pass, the gradient
     * is only read. {@code step} counts the steps including this one. All four arrays must have the parameter's
     * shape, type and device; the gradient the parameter's memory order (autograd makes it so). Moments in another
     * order than the parameter's (made or restored in the default one) are laid out as the parameter in place first.
     *
     * @throws ai.djl.engine.EngineException when they do not
     */
    public static void fusedAdamW(NDArray param, NDArray grad, NDArray expAvg, NDArray expAvgSq, long step, double lr,
            double beta1, double beta2, double weightDecay, double epsilon) {
        load();
        fusedAdamW(handle(param), handle(grad), handle(expAvg), handle(expAvgSq), step, lr, beta1, beta2,
                weightDecay, epsilon);
    }

    /**
     * Drops a parameter's gradient ({@code zero_grad(set_to_none=True)}): the next backward pass stores its gradient
     * rather than adding it to zeros; DJL reads a parameter without one as zeros.
     */
    public static void clearGradient(NDArray param) {
        load();
        clearGradient(handle(param));
    }

    /**
     * Lays a 4-d array out channels-last in place ({@code tensor.data = tensor.contiguous(memory_format=
     * torch.channels_last)}): the same shape (N, C, H, W), its values stored as (N, H, W, C). The array stays the same
     * object to DJL and to autograd. A later {@code NDArray.set} stores it in the default order again.
     *
     * @throws ai.djl.engine.EngineException when the array is not 4-d
     */
    public static void toChannelsLast(NDArray array) {
        load();
        toChannelsLast(handle(array));
    }

    /** Whether a 4-d array is stored channels-last (a 1x1 convolution's weight is both that and contiguous). */
    public static boolean isChannelsLast(NDArray array) {
        load();
        return isChannelsLast(handle(array));
    }

    /** Whether an array is stored row-major, the order DJL reads an array's memory in place in. */
    public static boolean isContiguous(NDArray array) {
        load();
        return isContiguous(handle(array));
    }

    private static long handle(NDArray array) {
        return ((PtNDArray) array).getHandle();
    }

    private static native void fusedAdamW(long param, long grad, long expAvg, long expAvgSq, long step, double lr,
            double beta1, double beta2, double weightDecay, double epsilon);

    private static native void clearGradient(long param);

    private static native void toChannelsLast(long array);

    private static native boolean isChannelsLast(long array);

    private static native boolean isContiguous(long array);
}
