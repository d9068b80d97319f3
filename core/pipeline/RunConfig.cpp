#include "core/pipeline/RunConfig.h"

#include <cmath>
#include <fstream>
#include <set>

#include "core/teacher/TeacherConfig.h"
#include "core/util/Error.h"

namespace distillery::pipeline {
namespace {

using nlohmann::json;

// Reads object fields by name, remembering which were seen so unknown (misspelt) keys are reported.
class FieldReader {
public:
  FieldReader(const json& object, std::string path, const std::string& source)
      : object_(object), path_(std::move(path)), source_(source) {
    if (!object_.is_object())
      fail(path_, "must be a JSON object");
  }

  template <typename T> void read(const char* key, T& target) {
    seen_.insert(key);
    auto it = object_.find(key);
    if (it == object_.end() || it->is_null())
      return;
    try {
      target = it->get<T>();
    } catch (const json::exception&) {
      fail(name(key), std::string("has the wrong type (") + it->type_name() + ")");
    }
  }

  void number(const char* key, double& target, double lo, double hi) {
    read(key, target);
    if (target < lo || target > hi)
      fail(name(key), "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  }

  void integer(const char* key, int& target, int lo, int hi) {
    seen_.insert(key);
    auto it = object_.find(key);
    if (it != object_.end() && !it->is_null()) {
      if (!it->is_number())
        fail(name(key), std::string("has the wrong type (") + it->type_name() + ")");
      // Checked as a double first: converting an out-of-range number straight to int is undefined.
      const double value = it->get<double>();
      if (value != std::floor(value))
        fail(name(key), "must be a whole number");
      if (value < lo || value > hi)
        fail(name(key), "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
      target = static_cast<int>(value);
    }
    if (target < lo || target > hi)
      fail(name(key), "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  }

  const json* child(const char* key) {
    seen_.insert(key);
    auto it = object_.find(key);
    return it == object_.end() || it->is_null() ? nullptr : &*it;
  }

  void rejectUnknown() const {
    for (auto it = object_.begin(); it != object_.end(); ++it)
      if (!seen_.count(it.key()))
        fail(name(it.key().c_str()), "is not a known setting");
  }

  std::string name(const char* key) const { return path_.empty() ? key : path_ + "." + key; }
  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw InputError(source_ + ": field '" + field + "' " + what);
  }
  const std::string& source() const { return source_; }

private:
  const json& object_;
  std::string path_;
  const std::string& source_;
  std::set<std::string> seen_;
};

TrainingLoss parseLoss(const std::string& name, const FieldReader& reader) {
  if (const auto loss = findEnum<TrainingLoss>(name))
    return *loss;
  reader.fail(reader.name("loss"), "must be one of listwise, infonce, triplet (got '" + name + "')");
}

} // namespace

std::string toString(TrainingLoss loss) {
  return std::string(enumName(loss));
}

RunConfig parseRunConfig(const json& root, const std::string& source) {
  RunConfig c;
  FieldReader r(root, "", source);
  r.read("student", c.student);
  if (c.student.empty())
    r.fail("student", "must name 'default', a model directory or model:<id>");
  if (const json* teacher = r.child("teacher")) {
    if (teacher->is_string())
      c.teacher = {{"kind", teacher->get<std::string>()}};
    else if (teacher->is_object())
      c.teacher = *teacher;
    else
      r.fail("teacher", "must be \"heuristic\" or an object such as {\"kind\": \"openai\", ...}");
    // Validated now (a bad teacher fails before any work) and stored without secrets.
    try {
      c.teacher = teacher::TeacherConfig::fromJson(c.teacher).toJson();
    } catch (const InputError& e) {
      r.fail("teacher", std::string("is invalid: ") + e.what());
    }
  }
  r.integer("rounds", c.rounds, 1, 50);
  r.integer("queries_per_round", c.queriesPerRound, 1, 1000000);
  r.read("query_types", c.queryTypes);
  static const std::set<std::string> knownTypes = {"question", "claim", "keyword", "title"};
  if (c.queryTypes.empty())
    r.fail("query_types", "must list at least one of question, claim, keyword, title");
  for (const auto& type : c.queryTypes)
    if (!knownTypes.count(type))
      r.fail("query_types", "has unknown type '" + type + "' (known: question, claim, keyword, title)");
  r.integer("k", c.candidatesK, 2, 1000);
  r.integer("filter_top_k", c.filterTopK, 1, 1000);
  int seed = static_cast<int>(c.seed);
  r.integer("seed", seed, 0, 2147483647);
  c.seed = static_cast<std::uint64_t>(seed);
  r.integer("threads", c.threads, 0, 1024);

  if (const json* e = r.child("evaluation")) {
    FieldReader er(*e, "evaluation", source);
    er.read("query_set", c.evaluation.querySet);
    er.read("queries", c.evaluation.queriesPath);
    er.read("qrels", c.evaluation.qrelsPath);
    er.integer("holdout_queries", c.evaluation.holdoutQueries, 1, 100000);
    er.integer("k", c.evaluation.k, 1, 1000);
    er.integer("relevant_from", c.evaluation.relevantFrom, 0, 3);
    er.read("bm25_baseline", c.evaluation.bm25Baseline);
    er.read("hybrid", c.evaluation.hybrid);
    if (c.evaluation.queriesPath.empty() != c.evaluation.qrelsPath.empty())
      er.fail("evaluation.queries", "and evaluation.qrels must be given together");
    er.rejectUnknown();
  }
  if (const json* m = r.child("mining")) {
    FieldReader mr(*m, "mining", source);
    mr.integer("positive_grade", c.mining.positiveGrade, 1, 3);
    mr.integer("hard_positive_rank", c.mining.hardPositiveRank, 1, 1000);
    mr.integer("negative_grade", c.mining.negativeGrade, 0, 2);
    mr.integer("hard_negative_rank", c.mining.hardNegativeRank, 1, 1000);
    mr.number("easy_ratio", c.mining.easyRatio, 0.0, 10.0);
    mr.number("false_negative_fraction", c.mining.falseNegativeFraction, 0.0, 1.0);
    if (c.mining.negativeGrade >= c.mining.positiveGrade)
      mr.fail("mining.negative_grade", "must be below mining.positive_grade");
    mr.rejectUnknown();
  }
  if (const json* t = r.child("training")) {
    FieldReader tr(*t, "training", source);
    std::string loss = toString(c.training.loss);
    tr.read("loss", loss);
    c.training.loss = parseLoss(loss, tr);
    tr.integer("epochs", c.training.epochs, 1, 100);
    tr.integer("batch_queries", c.training.batchQueries, 1, 1024);
    tr.integer("list_size", c.training.listSize, 2, 1000);
    tr.number("learning_rate", c.training.learningRate, 0.0, 1.0);
    tr.number("weight_decay", c.training.weightDecay, 0.0, 1.0);
    tr.number("warmup_ratio", c.training.warmupRatio, 0.0, 0.9);
    tr.number("clip_norm", c.training.clipNorm, 0.0, 1000.0);
    tr.number("student_temperature", c.training.studentTemperature, 1e-4, 10.0);
    tr.number("teacher_temperature", c.training.teacherTemperature, 1e-4, 10.0);
    tr.number("infonce_weight", c.training.infoNceWeight, 0.0, 10.0);
    tr.number("infonce_temperature", c.training.infoNceTemperature, 1e-4, 10.0);
    tr.number("triplet_margin", c.training.tripletMargin, 0.0, 2.0);
    tr.number("dev_fraction", c.training.devFraction, 0.0, 0.5);
    tr.integer("patience", c.training.patience, 0, 100);
    tr.number("base_weight_averaging", c.training.baseWeightAveraging, 0.0, 1.0);
    tr.rejectUnknown();
  }
  r.rejectUnknown();
  return c;
}

RunConfig loadRunConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw InputError("cannot read run config '" + path + "'");
  json root;
  try {
    root = json::parse(in);
  } catch (const json::parse_error& e) {
    throw InputError("run config '" + path + "' is not valid JSON: " + e.what());
  }
  return parseRunConfig(root, "run config '" + path + "'");
}

json toJson(const RunConfig& c) {
  return {
      {"student", c.student},
      {"teacher", c.teacher},
      {"rounds", c.rounds},
      {"queries_per_round", c.queriesPerRound},
      {"query_types", c.queryTypes},
      {"k", c.candidatesK},
      {"filter_top_k", c.filterTopK},
      {"seed", c.seed},
      {"threads", c.threads},
      {"evaluation",
       {{"query_set", c.evaluation.querySet},
        {"queries", c.evaluation.queriesPath},
        {"qrels", c.evaluation.qrelsPath},
        {"holdout_queries", c.evaluation.holdoutQueries},
        {"k", c.evaluation.k},
        {"relevant_from", c.evaluation.relevantFrom},
        {"bm25_baseline", c.evaluation.bm25Baseline},
        {"hybrid", c.evaluation.hybrid}}},
      {"mining",
       {{"positive_grade", c.mining.positiveGrade},
        {"hard_positive_rank", c.mining.hardPositiveRank},
        {"negative_grade", c.mining.negativeGrade},
        {"hard_negative_rank", c.mining.hardNegativeRank},
        {"easy_ratio", c.mining.easyRatio},
        {"false_negative_fraction", c.mining.falseNegativeFraction}}},
      {"training",
       {{"loss", toString(c.training.loss)},
        {"epochs", c.training.epochs},
        {"batch_queries", c.training.batchQueries},
        {"list_size", c.training.listSize},
        {"learning_rate", c.training.learningRate},
        {"weight_decay", c.training.weightDecay},
        {"warmup_ratio", c.training.warmupRatio},
        {"clip_norm", c.training.clipNorm},
        {"student_temperature", c.training.studentTemperature},
        {"teacher_temperature", c.training.teacherTemperature},
        {"infonce_weight", c.training.infoNceWeight},
        {"infonce_temperature", c.training.infoNceTemperature},
        {"triplet_margin", c.training.tripletMargin},
        {"dev_fraction", c.training.devFraction},
        {"patience", c.training.patience},
        {"base_weight_averaging", c.training.baseWeightAveraging}}},
  };
}

} // namespace distillery::pipeline
