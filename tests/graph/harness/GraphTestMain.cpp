// The graph executor's test program: `graph_tests --list` names the cases,
// `graph_tests NAME` runs one; exit status 0 when it passes.
#include <cstring>
#include <exception>
#include <iostream>

#include "GraphTest.hpp"

namespace graphtest {

std::vector<TestCase> &testCases() {
  static std::vector<TestCase> cases;
  return cases;
}

void fail(const std::string &message, const char *file, int line) {
  throw TestFailure(std::string(file) + ":" + std::to_string(line) + ": " + message);
}

} // namespace graphtest

int main(int argc, char **argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " --list | CASE\n";
    return 2;
  }
  for (const graphtest::TestCase &c : graphtest::testCases()) {
    if (std::strcmp(argv[1], "--list") == 0) {
      std::cout << c.name << "\n";
      continue;
    }
    if (std::strcmp(argv[1], c.name) != 0)
      continue;
    try {
      c.body();
    } catch (const std::exception &e) {
      std::cout << "FAILED: " << e.what() << "\n";
      return 1;
    }
    std::cout << "passed\n";
    return 0;
  }
  if (std::strcmp(argv[1], "--list") == 0)
    return 0;
  std::cerr << "no test case " << argv[1] << "\n";
  return 2;
}
