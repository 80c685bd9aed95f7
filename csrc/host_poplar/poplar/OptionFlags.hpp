// Host implementation of Poplar's OptionFlags: string options for the engine
// and library functions. The host engine and popops functions accept and
// ignore every option (a real Poplar refuses names it does not know).
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <utility>

#include <poplar/StringRef.hpp>

namespace poplar {

class OptionFlags {
public:
  using OptionFlag = std::pair<const std::string, std::string>;
  using const_iterator = std::map<std::string, std::string>::const_iterator;

  OptionFlags() = default;
  OptionFlags(std::initializer_list<OptionFlag> options) : options_(options) {}

  void set(StringRef option, StringRef value) { options_[option] = value; }
  void set(std::initializer_list<OptionFlag> options) {
    for (const OptionFlag &option : options)
      options_[option.first] = option.second;
  }
  StringRef at(StringRef option) const { return options_.at(option); }
  void clear() { options_.clear(); }
  const_iterator begin() const { return options_.begin(); }
  const_iterator end() const { return options_.end(); }

private:
  std::map<std::string, std::string> options_;
};

} // namespace poplar
