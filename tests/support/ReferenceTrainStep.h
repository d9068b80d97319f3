#pragma once
// The training step's independent peer (tests/bench/reference_train_step.py, PyTorch from Python): the step file it
// reads, written from the same examples the C++ trainer takes, and whether the peer can run here at all.
// Shared by test_train_reference (gradients) and bench_train (seconds per step).
#include "core/model/StudentModel.h"
#include "core/pipeline/StudentTrainer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace distillery::test {

inline const char* kReferencePython = "/usr/bin/python3";

/// Empty when Debian's python3-torch can run the reference; otherwise why not (the caller skips with it).
inline std::string referenceUnavailable() {
  if (!std::filesystem::exists(kReferencePython))
    return std::string(kReferencePython) + " not found";
  const std::string probe = std::string(kReferencePython) + " -c 'import torch, numpy' >/dev/null 2>&1";
  if (std::system(probe.c_str()) != 0)
    return "python3-torch is not installed (apt-get install python3-torch): the PyTorch reference cannot run";
  return {};
}

/// The step file for one batch of examples. Every example must use all of its passages (at most config.listSize,
/// listwise loss), so that the rows are the examples' passages in order - as the trainer lays them out.
inline nlohmann::json referenceStepFile(const model::StudentModel& student,
                                        const std::vector<pipeline::TrainingExample>& examples,
                                        const pipeline::TrainingConfig& config, double maxGrade, int maxLength = 256) {
  auto ids = [&](const std::string& text, model::TextRole role) {
    return student.tokenizer().encodeIds(student.applyPrefix(text, role), maxLength);
  };
  nlohmann::json step{{"max_grade", maxGrade},
                      {"student_temperature", config.studentTemperature},
                      {"teacher_temperature", config.teacherTemperature},
                      {"info_nce_weight", config.infoNceWeight},
                      {"info_nce_temperature", config.infoNceTemperature},
                      {"queries", nlohmann::json::array()},
                      {"passages", nlohmann::json::array()},
                      {"lists", nlohmann::json::array()}};
  std::size_t firstRow = 0;
  for (const auto& example : examples) {
    step["queries"].push_back(ids(example.query, model::TextRole::Query));
    nlohmann::json list{{"first_row", firstRow}, {"teacher_scores", example.teacherScores}};
    auto has = [](const std::vector<std::size_t>& indexes, std::size_t i) {
      return std::find(indexes.begin(), indexes.end(), i) != indexes.end();
    };
    for (std::size_t i = 0; i < example.passages.size(); ++i) {
      step["passages"].push_back(ids(example.passages[i], model::TextRole::Passage));
      list["positive"].push_back(has(example.positives, i));
      list["excluded"].push_back(has(example.excluded, i));
    }
    firstRow += example.passages.size();
    step["lists"].push_back(list);
  }
  return step;
}

inline void writeJson(const std::filesystem::path& path, const nlohmann::json& json) {
  std::ofstream(path) << json.dump();
}

/// The reference script in the source tree.
inline std::filesystem::path referenceScript() {
  return std::filesystem::path(DISTILLERY_SOURCE_DIR) / "tests/bench/reference_train_step.py";
}

} // namespace distillery::test
