// glibc's vector math library (libmvec, part of glibc since 2.22; tanhf since 2.35), declared by
// the x86-64 vector function ABI names that <math.h> maps `#pragma omp simd` loops to. The "b"
// (SSE4) four-lane variants take one XMM register, so they need no AVX code generation in Swift;
// each is an IFUNC that picks the CPU's best implementation. glibc ships no pkg-config file, so
// the module links the library by name. Errors: at most 4 ulp (glibc's libm-test ulps for libmvec).
typedef float bnlab_float4 __attribute__((ext_vector_type(4)));

/// e^x in each of four lanes.
bnlab_float4 _ZGVbN4v_expf(bnlab_float4 x);
/// tanh(x) in each of four lanes.
bnlab_float4 _ZGVbN4v_tanhf(bnlab_float4 x);
