#pragma once
// The configuration of a distillation run, as users write it (RUN.json) and as it is recorded in the store.
// Every field has a default that works offline: the default student, the heuristic teacher, two rounds.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/util/EnumNames.h"

namespace distillery::pipeline {

enum class TrainingLoss { Listwise, InfoNce, Triplet };
inline constexpr EnumName<TrainingLoss> kTrainingLossNames[] = {
    {.value = TrainingLoss::Listwise, .name = "listwise", .description = "KL over the teacher's graded list + InfoNCE"},
    {.value = TrainingLoss::InfoNce,
     .name = "infonce",
     .description = "mined positives vs mined and in-batch negatives"},
    {.value = TrainingLoss::Triplet, .name = "triplet", .description = "margin between mined positives and negatives"},
};
constexpr std::span<const EnumName<TrainingLoss>> enumNames(TrainingLoss) {
  return kTrainingLossNames;
}

struct MiningConfig {
  int positiveGrade = 2;              // grade >= this counts as relevant
  int hardPositiveRank = 3;           // relevant but ranked below this (1-based) -> hard positive
  int negativeGrade = 0;              // grade <= this counts as irrelevant
  int hardNegativeRank = 10;          // irrelevant but ranked at or above this -> hard negative
  double easyRatio = 0.25;            // easy examples mixed in per hard example
  double falseNegativeFraction = 0.6; // teacher score above this x the top score: never a negative
};

struct TrainingConfig {
  TrainingLoss loss = TrainingLoss::Listwise;
  int epochs = 3;
  int batchQueries = 8; // queries per optimiser step
  int listSize = 20;    // candidates per query in the listwise loss
  // 0 = automatic: 1e-3 for the small default student trained from scratch, 2e-5 (a low rate that guards
  // against forgetting) for a pretrained model directory.
  double learningRate = 0;
  double weightDecay = 0.01;
  double warmupRatio = 0.1;
  double clipNorm = 1.0;
  double studentTemperature = 0.05;
  double teacherTemperature = 0.1; // chosen on TAT-QA dev: 0.3 lowered dev NDCG@5, 0.05 kept no epoch
  double infoNceWeight = 0.1;      // the small InfoNCE term of the listwise loss
  double infoNceTemperature = 0.01;
  double tripletMargin = 0.2;
  double devFraction = 0.1;         // synthetic queries held back for early stopping
  int patience = 1;                 // epochs without dev improvement before stopping
  double baseWeightAveraging = 0.0; // 0: none; w -> (1-a) w + a w_base after training (guards forgetting)
};

struct EvaluationConfig {
  std::string querySet;    // stored query set name; empty: the set imported with the corpus
  std::string queriesPath; // or BEIR queries.jsonl ...
  std::string qrelsPath;   // ... and qrels .tsv
  // With no human query set (or query_set "synthetic"): this many teacher queries are written at the start
  // of the run, never trained on, and judged with the teacher to form the held-out qrels (Tamber et al.).
  int holdoutQueries = 100;
  int k = 5;
  int relevantFrom = 0; // MRR and Recall count grades >= this as relevant; 0: by the qrels' scale (2 on 0-3, else 1)
  bool bm25Baseline = true;
  bool hybrid = true; // every round: the student fused with BM25, its weight chosen on the set's dev split
};

struct RunConfig {
  std::string student = "default"; // "default", a model directory, or "model:<id>"
  nlohmann::json teacher = {{"kind", "heuristic"}};
  EvaluationConfig evaluation;
  int rounds = 2;
  int queriesPerRound = 300;
  std::vector<std::string> queryTypes = {"question", "claim", "keyword", "title"};
  int candidatesK = 20; // candidates retrieved and judged per query
  int filterTopK = 20;  // a synthetic query is kept only if its source passage is in the top this
  MiningConfig mining;
  TrainingConfig training;
  std::uint64_t seed = 42;
  int threads = 0; // 0: all cores
};

/// Parses and validates a config; unknown keys and bad values are errors naming the field (and `source`).
RunConfig parseRunConfig(const nlohmann::json& json, const std::string& source = "run config");
RunConfig loadRunConfig(const std::string& path);
nlohmann::json toJson(const RunConfig& config);

std::string toString(TrainingLoss loss);

} // namespace distillery::pipeline
