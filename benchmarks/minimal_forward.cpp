// How far a bandwidth-bound LIF forward can scale from one thread to two on
// this machine: the simplest forward there is (subtract reset, shared beta
// and threshold, no NaN rules, no graded spikes, no membrane record), over a
// [T, N] float32 layer in the codelets' order (chunks of 1024 neurons carried
// over all T steps, each step's input row prefetched 3 steps ahead, spikes
// written with non-temporal stores), timed with one thread and with two
// alternately, each run right after a 256 MiB copy.
//
// It is not snn_ipu's kernel and is not built by the project: it bounds what
// any forward can gain from a second thread once one thread runs near the
// memory system's speed. RESULTS.md quotes it next to the kernels' own thread
// scaling. Build and run (x86-64 with AVX-512):
//
//   g++ -O3 -march=native -pthread benchmarks/minimal_forward.cpp -o /tmp/minimal_forward
//   /tmp/minimal_forward 100 262144 15
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace {

constexpr std::size_t kChunk = 1024;
constexpr std::size_t kAhead = 3;

void forwardRange(const float *x, float *spikes, std::size_t T, std::size_t N,
                  std::size_t begin, std::size_t end) {
  alignas(64) float u[kChunk];
  const __m512 beta = _mm512_set1_ps(0.9f), threshold = _mm512_set1_ps(1.0f);
  const __m512 one = _mm512_set1_ps(1.0f);
  for (std::size_t c = begin; c < end; c += kChunk) {
    const std::size_t w = std::min(kChunk, end - c);
    std::memset(u, 0, sizeof u);
    for (std::size_t t = 0; t < T; ++t) {
      const float *row = x + t * N + c;
      const float *ahead = x + std::min(T - 1, t + kAhead) * N + c;
      float *out = spikes + t * N + c;
      for (std::size_t v = 0; v < w; v += 16) {
        _mm_prefetch(reinterpret_cast<const char *>(ahead + v), _MM_HINT_T0);
        __m512 mem = _mm512_load_ps(u + v);
        // Reset by subtraction, delayed: the previous step's spike.
        const __mmask16 fired = _mm512_cmp_ps_mask(mem, threshold, _CMP_GT_OQ);
        mem = _mm512_sub_ps(_mm512_fmadd_ps(beta, mem, _mm512_loadu_ps(row + v)),
                            _mm512_maskz_mov_ps(fired, threshold));
        _mm512_store_ps(u + v, mem);
        const __mmask16 spike = _mm512_cmp_ps_mask(mem, threshold, _CMP_GT_OQ);
        _mm512_stream_ps(out + v, _mm512_maskz_mov_ps(spike, one));
      }
    }
  }
}

double timedForward(const float *x, float *spikes, std::size_t T, std::size_t N,
                    unsigned threads) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> team;
  const std::size_t share = (N / threads + kChunk - 1) / kChunk * kChunk;
  for (unsigned k = 0; k < threads; ++k) {
    const std::size_t begin = std::min(N, k * share);
    const std::size_t end = k + 1 == threads ? N : std::min(N, begin + share);
    team.emplace_back(forwardRange, x, spikes, T, N, begin, end);
  }
  for (auto &member : team)
    member.join();
  _mm_sfence();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s T N ROUNDS (N a multiple of 16)\n", argv[0]);
    return 2;
  }
  const std::size_t T = std::strtoull(argv[1], nullptr, 10);
  const std::size_t N = std::strtoull(argv[2], nullptr, 10);
  const int rounds = std::atoi(argv[3]);
  if (T == 0 || N == 0 || N % 16 != 0 || rounds < 1) {
    std::fprintf(stderr, "T and ROUNDS must be positive, N a positive multiple of 16\n");
    return 2;
  }
  const std::size_t bytes = T * N * sizeof(float);
  auto *x = static_cast<float *>(std::aligned_alloc(64, bytes));
  auto *spikes = static_cast<float *>(std::aligned_alloc(64, bytes));
  std::vector<char> source(std::size_t(256) << 20, 1), target(source.size());
  if (x == nullptr || spikes == nullptr)
    return 1;
  std::srand(0);
  for (std::size_t i = 0; i < T * N; ++i)
    x[i] = float(std::rand() % 1000) / 1000.0f;
  std::memset(spikes, 0, bytes);

  std::vector<double> one, two;
  for (int r = 0; r <= rounds; ++r) { // round 0 warms up
    for (unsigned threads : {1u, 2u}) {
      std::memcpy(target.data(), source.data(), source.size()); // evict the layer
      const double seconds = timedForward(x, spikes, T, N, threads);
      if (r > 0)
        (threads == 1 ? one : two).push_back(seconds);
    }
  }
  const double t1 = median(one), t2 = median(two);
  const double traffic = 8.0 * double(T) * double(N); // read x, stream spikes
  std::printf("[%zu, %zu] float32, minimal LIF forward, median of %d rounds:\n", T, N, rounds);
  std::printf("  1 thread : %7.3f ms  %5.1f GB/s\n", t1 * 1e3, traffic / t1 / 1e9);
  std::printf("  2 threads: %7.3f ms  %5.1f GB/s\n", t2 * 1e3, traffic / t2 / 1e9);
  std::printf("  2 threads / 1 thread: %.2fx\n", t1 / t2);
  std::free(x);
  std::free(spikes);
  return 0;
}
