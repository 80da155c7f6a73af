//===- ColumnValues.h - a run's values of its sweep's columns ---*- C++ -*-===//
//
// Every run of a sweep has a value, as text, for each of the sweep's columns
// (SweepJob::columns: the settings runs.csv lists). Runs share few distinct
// values (1,000 learning rates over 100 seeds: 1,100 values for 100,000
// runs), so each distinct text is kept once per process and a run holds
// pointers to them: 8 bytes a column instead of a string's 32 and, past 15
// characters, its heap block. Regression: `sweepc plan` of a million runs
// took 1.4 GB, most of it these strings, kept again in each run's record.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_EXEC_COLUMNVALUES_H
#define SWEEP_RUNTIME_EXEC_COLUMNVALUES_H

#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

namespace sweep {

/// The one copy of `text` this process keeps (thread-safe; never freed).
inline const std::string &internText(const std::string &text) {
  // Node-based: an element's address stays while others are added.
  static std::mutex mutex;
  static auto *texts = new std::unordered_set<std::string>(); // Outlives every run.
  std::lock_guard<std::mutex> lock(mutex);
  return *texts->insert(text).first;
}

class ColumnValues {
public:
  /// Walks the values as strings.
  class const_iterator {
  public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = std::string;
    using difference_type = std::ptrdiff_t;
    using pointer = const std::string *;
    using reference = const std::string &;
    explicit const_iterator(std::vector<const std::string *>::const_iterator at) : at(at) {}
    reference operator*() const { return **at; }
    pointer operator->() const { return *at; }
    const_iterator &operator++() { return ++at, *this; }
    const_iterator operator++(int) { return const_iterator(at++); }
    const_iterator &operator--() { return --at, *this; }
    const_iterator &operator+=(difference_type n) { return at += n, *this; }
    const_iterator operator+(difference_type n) const { return const_iterator(at + n); }
    const_iterator operator-(difference_type n) const { return const_iterator(at - n); }
    difference_type operator-(const const_iterator &other) const { return at - other.at; }
    reference operator[](difference_type n) const { return *at[n]; }
    bool operator==(const const_iterator &other) const { return at == other.at; }
    bool operator!=(const const_iterator &other) const { return at != other.at; }
    bool operator<(const const_iterator &other) const { return at < other.at; }

  private:
    std::vector<const std::string *>::const_iterator at;
  };

  ColumnValues() = default;
  ColumnValues(std::initializer_list<std::string> texts) { assign(texts.begin(), texts.end()); }
  template <typename Iterator> void assign(Iterator begin, Iterator end) {
    values.clear();
    // Exactly: 100,000 runs' vectors grown by doubling held a third more.
    values.reserve(size_t(std::distance(begin, end)));
    for (; begin != end; ++begin)
      push_back(*begin);
  }
  void reserve(size_t columns) { values.reserve(columns); }
  void push_back(const std::string &text) { values.push_back(&internText(text)); }
  size_t size() const { return values.size(); }
  bool empty() const { return values.empty(); }
  const std::string &operator[](size_t column) const { return *values[column]; }
  const_iterator begin() const { return const_iterator(values.begin()); }
  const_iterator end() const { return const_iterator(values.end()); }
  /// Interned: equal texts are the same string.
  bool operator==(const ColumnValues &other) const { return values == other.values; }
  bool operator!=(const ColumnValues &other) const { return values != other.values; }

private:
  std::vector<const std::string *> values;
};

} // namespace sweep

#endif // SWEEP_RUNTIME_EXEC_COLUMNVALUES_H
