// The trainer's JNI library: libtorch operations that DJL 0.33 does not expose, applied to DJL's own tensors.
//
// A DJL PtNDArray's handle is the address of a heap-allocated torch::Tensor (DJL's JNI library makes every tensor
// that way), so these functions take handles and work on the tensors in place. hack/trainer-native compiles this
// file against the C++ headers of the libtorch DJL runs, with that libtorch's C++ ABI, and links it against that
// libtorch; the Java side (dev.trainingrun.trainer.torch.TorchOps) loads it from the folder DJL loaded libtorch
// from.
#include <jni.h>

#include <ATen/core/Tensor.h>
#include <ATen/core/grad_mode.h>
#include <ATen/ops/_fused_adamw.h>
#include <ATen/ops/empty_like.h>
#include <ATen/ops/scalar_tensor.h>

#include <exception>

#include "dev_trainingrun_trainer_torch_TorchOps.h"

namespace {

at::Tensor& tensor(jlong handle) { return *reinterpret_cast<at::Tensor*>(handle); }

// Runs body and turns a C++ exception into DJL's EngineException, as DJL's own JNI library does: a C++ exception
// must not unwind through the JVM.
template <typename Body>
void rethrowInJava(JNIEnv* env, Body body) {
  try {
    body();
  } catch (const c10::Error& e) {
    env->ThrowNew(env->FindClass("ai/djl/engine/EngineException"), e.what_without_backtrace());
  } catch (const std::exception& e) {
    env->ThrowNew(env->FindClass("ai/djl/engine/EngineException"), e.what());
  }
}

// Whether two dense tensors of one shape keep their elements in the same order in memory: the same stride in every
// dimension longer than 1 (a dimension of length 1 is never stepped along, so its stride says nothing; a 1x1
// convolution's weight is both contiguous and channels-last).
bool sameLayout(const at::Tensor& a, const at::Tensor& b) {
  if (!a.is_non_overlapping_and_dense() || !b.is_non_overlapping_and_dense()) {
    return false;
  }
  for (int64_t d = 0; d < a.dim(); ++d) {
    if (a.size(d) > 1 && a.stride(d) != b.stride(d)) {
      return false;
    }
  }
  return true;
}

// The CPU kernel walks all four tensors as one flat run of the parameter's elements: a moment of another shape (a
// checkpoint of another model) must fail here, not read past its end.
void checkLike(const at::Tensor& param, const at::Tensor& other, const char* name) {
  TORCH_CHECK(other.sizes() == param.sizes(), name, " has shape ", other.sizes(), ", the parameter ", param.sizes());
  TORCH_CHECK(other.scalar_type() == param.scalar_type(), name, " is ", other.scalar_type(), ", the parameter ",
              param.scalar_type());
  TORCH_CHECK(other.device() == param.device(), name, " is on ", other.device(), ", the parameter on ",
              param.device());
}

// The kernel pairs elements by memory position. A moment stored in another order than its parameter would hold each
// element's value at another element's index: a checkpoint, which reads moments by index, would save them
// scrambled, and restored moments would meet the wrong elements (silently wrong steps, not an error). Moments are
// made or restored in the default order, so the first step after that lays them out as the parameter is, in place;
// later steps find them so.
void layOutLike(const at::Tensor& param, at::Tensor& moment) {
  if (!sameLayout(param, moment)) {
    // empty_like keeps a dense tensor's strides exactly (preserve_format); copy_ copies by index. set_ (not set_data,
    // as for a parameter) is enough: a moment is a plain tensor, outside autograd.
    at::Tensor laidOut = at::empty_like(param);
    laidOut.copy_(moment);
    moment.set_(laidOut);
  }
}

}  // namespace

// One torch.optim.AdamW step of one parameter (amsgrad and maximize off) with libtorch's fused kernel
// (at::_fused_adamw_, what AdamW(fused=True) runs): one pass over parameter, gradient and both moments, which it
// updates in place. `step` is the step count after this step (1 for the first), as PyTorch increments its step
// tensor before calling the kernel.
JNIEXPORT void JNICALL Java_dev_trainingrun_trainer_torch_TorchOps_fusedAdamW(
    JNIEnv* env, jclass, jlong param, jlong grad, jlong exp_avg, jlong exp_avg_sq, jlong step, jdouble lr,
    jdouble beta1, jdouble beta2, jdouble weight_decay, jdouble eps) {
  rethrowInJava(env, [&] {
    at::NoGradGuard no_grad;  // an in-place update of a leaf that requires grad
    at::Tensor& p = tensor(param);
    TORCH_CHECK(p.is_non_overlapping_and_dense(), "the parameter is not dense");
    checkLike(p, tensor(grad), "the gradient");
    // autograd stores a dense parameter's gradient in the parameter's memory order ("the layout contract")
    TORCH_CHECK(sameLayout(p, tensor(grad)), "the gradient is not laid out as the parameter");
    checkLike(p, tensor(exp_avg), "exp_avg");
    checkLike(p, tensor(exp_avg_sq), "exp_avg_sq");
    layOutLike(p, tensor(exp_avg));
    layOutLike(p, tensor(exp_avg_sq));
    // float32 on the parameter's device, as torch.optim.AdamW keeps it for the fused kernel
    const at::Tensor state_step = at::scalar_tensor(static_cast<double>(step), p.options().dtype(at::kFloat));
    at::_fused_adamw_(p, tensor(grad), tensor(exp_avg), tensor(exp_avg_sq), {}, state_step, lr, beta1, beta2,
                      weight_decay, eps, /*amsgrad=*/false, /*maximize=*/false);
  });
}

// Drops the parameter's gradient, as optimizer.zero_grad(set_to_none=True) does: the next backward pass then
// stores its gradient instead of adding it to zeros, and nothing is written to clear it.
JNIEXPORT void JNICALL Java_dev_trainingrun_trainer_torch_TorchOps_clearGradient(JNIEnv* env, jclass, jlong param) {
  rethrowInJava(env, [&] { tensor(param).mutable_grad().reset(); });
}

// Lays a 4-d tensor out channels-last (NHWC in memory, the same NCHW shape) in place, as
// module.to(memory_format=torch.channels_last) does to a convolution's weight: set_data keeps the tensor object, so
// every DJL handle to it and its autograd identity (a leaf that requires grad) stay valid.
JNIEXPORT void JNICALL Java_dev_trainingrun_trainer_torch_TorchOps_toChannelsLast(JNIEnv* env, jclass,
                                                                                   jlong array) {
  rethrowInJava(env, [&] {
    at::Tensor& t = tensor(array);
    TORCH_CHECK(t.dim() == 4, "channels-last needs a 4-d tensor, not ", t.sizes());
    t.set_data(t.contiguous(at::MemoryFormat::ChannelsLast));
  });
}

JNIEXPORT jboolean JNICALL Java_dev_trainingrun_trainer_torch_TorchOps_isChannelsLast(JNIEnv* env, jclass,
                                                                                       jlong array) {
  jboolean result = JNI_FALSE;
  rethrowInJava(env, [&] {
    result = tensor(array).is_contiguous(at::MemoryFormat::ChannelsLast) ? JNI_TRUE : JNI_FALSE;
  });
  return result;
}

JNIEXPORT jboolean JNICALL Java_dev_trainingrun_trainer_torch_TorchOps_isContiguous(JNIEnv* env, jclass,
                                                                                     jlong array) {
  jboolean result = JNI_FALSE;
  rethrowInJava(env, [&] { result = tensor(array).is_contiguous() ? JNI_TRUE : JNI_FALSE; });
  return result;
}
