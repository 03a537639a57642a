package dev.trainingrun.trainer.optim;

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
final class TorchOps {
    static final String LIBRARY = System.mapLibraryName("trainingrun_torch");
    private static boolean loaded;

    private TorchOps() {}

    /**
     * Loads the library (once) after libtorch, which it links against.
     *
     * @throws IllegalStateException when the library is not beside libtorch, i.e. the trainer runs from a class path
     *     of its own instead of the build's or the image's launcher
     */
    static synchronized void load() {
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
     * shape, type and device.
     *
     * @throws ai.djl.engine.EngineException when they do not
     */
    static void fusedAdamW(NDArray param, NDArray grad, NDArray expAvg, NDArray expAvgSq, long step, double lr,
            double beta1, double beta2, double weightDecay, double epsilon) {
        fusedAdamW(handle(param), handle(grad), handle(expAvg), handle(expAvgSq), step, lr, beta1, beta2,
                weightDecay, epsilon);
    }

    /**
     * Drops a parameter's gradient ({@code zero_grad(set_to_none=True)}): the next backward pass stores its gradient
     * rather than adding it to zeros; DJL reads a parameter without one as zeros.
     */
    static void clearGradient(NDArray param) {
        clearGradient(handle(param));
    }

    private static long handle(NDArray array) {
        return ((PtNDArray) array).getHandle();
    }

    private static native void fusedAdamW(long param, long grad, long expAvg, long expAvgSq, long step, double lr,
            double beta1, double beta2, double weightDecay, double epsilon);

    private static native void clearGradient(long param);
}
