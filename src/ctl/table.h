// Copyright 2026 The Pylon Gateway Authors.
// Table: the aligned text tables pylonctl prints. Columns are separated by two spaces; numeric
// columns are right-aligned; no trailing white space. Single-threaded (one per output).

#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace pylon::ctl {

class Table {
 public:
  struct Column {
    std::string header;
    bool right = false;  // right-align (numbers)
  };
  explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

  // `cells` has one entry per column (missing ones print empty, extra ones are an error).
  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }
  // Header and rows; "(none)" under the header when there are no rows.
  void Print(std::ostream& out) const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// "key:  value" lines with the values aligned.
class Details {
 public:
  void Add(std::string key, std::string value);
  void Print(std::ostream& out) const;

 private:
  std::vector<std::pair<std::string, std::string>> lines_;
};

}  // namespace pylon::ctl
