#include "ops/host/IsaLevels.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <iterator>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#ifndef SNN_IPU_ISA_LEVELS
#error "the module is compiled with SNN_IPU_ISA_LEVELS, the levels built, lowest first"
#endif

namespace snn_ipu {

namespace {

// What a CPU needs for each level, for the messages.
const char *requirement(const std::string &level) {
  if (level == "baseline")
#if defined(__x86_64__)
    return "x86-64-v2 (SSE4.2, POPCNT)";
#else
    return "the target's default instruction set";
#endif
  if (level == "avx2")
    return "x86-64-v3 (AVX2, FMA, F16C, BMI2)";
  if (level == "avx512")
    return "x86-64-v4 (AVX-512 F, BW, CD, DQ, VL)";
  return "the CPU of the machine it was built on";
}

// Whether this CPU, and its operating system (which must save the vector
// registers), runs code built for `level`; libgcc's CPU model answers both.
bool cpuRuns(const std::string &level) {
#if defined(__x86_64__)
  __builtin_cpu_init();
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
  if (level == "baseline")
    return __builtin_cpu_supports("x86-64-v2");
  if (level == "avx2")
    return __builtin_cpu_supports("x86-64-v3");
  if (level == "avx512")
    return __builtin_cpu_supports("x86-64-v4");
#else // compilers that do not know the psABI's level names
  if (level == "baseline")
    return __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("popcnt");
  if (level == "avx2")
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
           __builtin_cpu_supports("bmi2") && cpuRuns("baseline");
  if (level == "avx512")
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl") && cpuRuns("avx2");
#endif
#else
  if (level == "baseline")
    return true;
#endif
  return level == "native"; // an opt-in build for the machine it runs on
}

std::vector<std::string> builtLevels() {
  std::vector<std::string> levels;
  const std::string list = SNN_IPU_ISA_LEVELS;
  std::size_t begin = 0;
  while (begin <= list.size()) {
    const std::size_t end = std::min(list.find(',', begin), list.size());
    if (end > begin)
      levels.push_back(list.substr(begin, end - begin));
    begin = end + 1;
  }
  return levels;
}

std::string joined(const std::vector<std::string> &names) {
  std::string out;
  for (const std::string &name : names)
    out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "none" : out;
}

// The folder of this module, where the build puts the kernel libraries.
std::string moduleFolder() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void *>(&initKernels), &info) == 0 ||
      info.dli_fname == nullptr)
    throw std::runtime_error("snn_ipu: cannot find the folder of the host module");
  const std::string path = info.dli_fname;
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

const KernelServices &services() {
  static const KernelServices table = [] {
    KernelServices s;
#define SNN_IPU_SET_SERVICE(name) s.name = &name;
    SNN_IPU_KERNEL_SERVICES(SNN_IPU_SET_SERVICE)
#undef SNN_IPU_SET_SERVICE
    return s;
  }();
  return table;
}

// Loads a level's library; it stays loaded for the life of the process.
std::unique_ptr<KernelEntries> load(const std::string &level) {
  const std::string path = moduleFolder() + "/libsnn_ipu_kernels_" + level + ".so";
  const std::string what = "snn_ipu: the kernels of instruction-set level '" + level + "' (" + path + ")";
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr)
    throw std::runtime_error(what + " cannot be loaded: " + dlerror());
  const auto entry = reinterpret_cast<SnnIpuKernelLibraryFn>(
      dlsym(handle, SNN_IPU_KERNEL_LIBRARY_SYMBOL));
  if (entry == nullptr)
    throw std::runtime_error(what + " is not a kernel library of this build");
  auto entries = std::make_unique<KernelEntries>();
  const KernelAbi abi;
  const char *built = nullptr;
  if (const char *refused = entry(&abi, &services(), entries.get(), &built))
    throw std::runtime_error(what + " cannot be used: " + refused);
  if (built == nullptr || level != built)
    throw std::runtime_error(what + " holds another level's kernels");
#define SNN_IPU_CHECK_ENTRY(name)                                              \
  if (entries->name == nullptr)                                                \
    throw std::runtime_error(what + " lacks " #name);
  SNN_IPU_KERNEL_ENTRIES(SNN_IPU_CHECK_ENTRY)
#undef SNN_IPU_CHECK_ENTRY
  return entries;
}

struct State {
  std::mutex mutex; // loading and switching
  std::map<std::string, std::unique_ptr<KernelEntries>> loaded;
  std::string active;
  bool forced = false;
  std::string byType[kNumElementTypes];
};
State &state() {
  static State *const s = new State(); // kernels may run during static destruction
  return *s;
}
// The entries each element type runs, read without a lock by every call.
std::atomic<const KernelEntries *> gActive[kNumElementTypes] = {};

std::vector<std::string> runnableLevels() {
  std::vector<std::string> runnable;
  for (const std::string &level : builtLevels())
    if (cpuRuns(level))
      runnable.push_back(level);
  return runnable;
}

const KernelEntries &loadedLocked(State &s, const std::string &level) {
  auto found = s.loaded.find(level);
  if (found == s.loaded.end())
    found = s.loaded.emplace(level, load(level)).first;
  return *found->second;
}

// Makes `level` the one in use; `who` prefixes the reason it is refused.
void activate(const std::string &level, bool forced, const std::string &who) {
  const std::vector<std::string> built = builtLevels();
  const auto position = std::find(built.begin(), built.end(), level);
  if (position == built.end())
    throw std::invalid_argument(who + "'" + level +
                                "' is not an instruction-set level of this build (it has: " +
                                joined(built) + ")");
  if (!cpuRuns(level))
    throw std::invalid_argument(who + "level '" + level + "' needs " + requirement(level) +
                                ", which this CPU does not have (it runs: " +
                                joined(runnableLevels()) + ")");
  State &s = state();
  const std::lock_guard<std::mutex> lock(s.mutex);
  const KernelEntries *chosen[kNumElementTypes] = {};
  std::string chosenLevel[kNumElementTypes];
  // Each type at `level`, or at the highest level below it built for it
  // (levels are nested: a CPU that runs one runs those below).
  for (auto it = std::make_reverse_iterator(position + 1); it != built.rend(); ++it) {
    const KernelEntries &entries = loadedLocked(s, *it);
    for (unsigned type = 0; type < kNumElementTypes; ++type)
      if (chosen[type] == nullptr && (entries.elementTypes >> type & 1u) != 0) {
        chosen[type] = &entries;
        chosenLevel[type] = *it;
      }
    if (std::find(chosen, chosen + kNumElementTypes, nullptr) == chosen + kNumElementTypes)
      break;
  }
  for (unsigned type = 0; type < kNumElementTypes; ++type)
    if (chosen[type] == nullptr)
      throw std::runtime_error(std::string("snn_ipu: no kernel library of this build runs ") +
                               elementTypeName(ElementType(type)) + " elements");
  for (unsigned type = 0; type < kNumElementTypes; ++type) {
    gActive[type].store(chosen[type], std::memory_order_release);
    s.byType[type] = chosenLevel[type];
  }
  s.active = level;
  s.forced = forced;
}

} // namespace

void initKernels() {
  const char *forced = std::getenv("SNN_IPU_ISA");
  if (forced != nullptr && *forced != '\0') {
    activate(forced, true, "SNN_IPU_ISA=" + std::string(forced) + ": ");
    return;
  }
  const std::vector<std::string> runnable = runnableLevels();
  if (runnable.empty())
    throw std::runtime_error("snn_ipu: this CPU runs none of the kernels' instruction-set levels "
                             "(the lowest, " + builtLevels().front() + ", needs " +
                             requirement(builtLevels().front()) + ")");
  activate(runnable.back(), false, "");
}

const KernelEntries &kernels(ElementType type) {
  const KernelEntries *active =
      gActive[static_cast<unsigned>(type)].load(std::memory_order_acquire);
  if (active == nullptr) // initKernels runs when the module is imported
    throw std::logic_error("snn_ipu: no kernel library is loaded");
  return *active;
}

void selectIsa(const std::string &level) {
  if (level.empty())
    initKernels();
  else
    activate(level, true, "");
}

IsaInfo isaInfo() {
  IsaInfo info;
  info.built = builtLevels();
  info.runnable = runnableLevels();
  State &s = state();
  const std::lock_guard<std::mutex> lock(s.mutex);
  info.active = s.active;
  info.forced = s.forced;
  for (unsigned type = 0; type < kNumElementTypes; ++type)
    info.byType[type] = s.byType[type];
  return info;
}

} // namespace snn_ipu
