#include "core/teacher/OpenAiTeacher.h"

#include <map>

#include "core/teacher/ChatClient.h"
#include "core/teacher/ResponseParsing.h"
#include "core/util/Error.h"

namespace distillery::teacher {

/// One chat call as the teacher sees it: the messages, and how to tell a usable answer.
struct OpenAiTeacher::CallSpec {
  nlohmann::json messages;
  double temperature = 0.0; // judging is greedy; synthesis samples (synthesis_temperature)
  bool wantLogprobs = false;
  std::string strictRetry;                                          // template of the follow-up message
  std::function<std::string(const std::string& content)> problemOf; // empty string = usable
};

struct OpenAiTeacher::CallResult {
  bool ok = false;
  std::string content; // the usable answer, or the last answer seen
  nlohmann::json logprobs;
  std::string failureReason;
  bool transient = false; // the endpoint failed (not the answer): asking again later may succeed
  int attempts = 0;
  double latencyMs = 0;
  TeacherUsage usage;
};

namespace {

constexpr std::size_t kMaxPassageChars = 12000; // bounds the cost of one call on a pathological passage
// What is kept of an answer: far more than a usable one needs, and what a failed huge one is worth inspecting.
constexpr std::size_t kMaxStoredResponseBytes = 64 * 1024;
constexpr std::size_t kMaxStoredRationaleBytes = 4000;
constexpr std::size_t kMaxEchoedAnswerBytes = 4000; // of an unusable answer, shown to the model in the strict retry

/// The text cut to at most `limit` bytes at a UTF-8 character boundary, marked when cut.
std::string clip(const std::string& text, std::size_t limit) {
  if (text.size() <= limit)
    return text;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  return text.substr(0, cut) + " [... " + std::to_string(text.size() - cut) + " more bytes not kept]";
}

std::string clipPassage(const std::string& text) {
  return clip(text, kMaxPassageChars);
}

/// The placeholders of the document a passage comes from; "unknown" for what is not known.
std::map<std::string, std::string> documentValues(const std::string& title, const std::string& company,
                                                  const std::string& filingType, const std::string& period,
                                                  const std::string& section) {
  const auto known = [](const std::string& value) { return value.empty() ? std::string("unknown") : value; };
  return {{"title", known(title)},
          {"company", known(company)},
          {"filing_type", known(filingType)},
          {"period", known(period)},
          {"section", known(section)}};
}

} // namespace

std::int64_t promptTokenEstimate(const nlohmann::json& messages) {
  std::size_t chars = 0;
  for (const auto& message : messages)
    chars += message.value("content", std::string()).size();
  return static_cast<std::int64_t>(chars / 4);
}

nlohmann::json judgeMessages(const PromptLibrary& prompts, const JudgeRequest& request) {
  const PromptTemplate& prompt = prompts.judge();
  auto values = documentValues(request.title, request.company, request.filingType, request.period, request.section);
  values.insert({{"query", request.queryText}, {"passage", clipPassage(request.passageText)}});
  return nlohmann::json::array({{{"role", "system"}, {"content", prompt.text("system")}},
                                {{"role", "user"}, {"content", PromptLibrary::render(prompt.text("user"), values)}}});
}

nlohmann::json synthesisMessages(const PromptLibrary& prompts, const SynthesisRequest& request) {
  const PromptTemplate& prompt = prompts.synthesis();
  const std::string user = prompt.text("user");
  const std::string typeName = toString(request.type);
  const nlohmann::json typeSpec = prompt.spec["types"].value(typeName, nlohmann::json::object());
  const std::string instruction = typeSpec.value("instruction", std::string());
  if (instruction.empty())
    throw InputError("prompt template " + prompt.source + ": no instruction for query type '" + typeName + "'");
  nlohmann::json messages = nlohmann::json::array({{{"role", "system"}, {"content", prompt.text("system")}}});
  for (const auto& example : typeSpec.value("examples", nlohmann::json::array())) {
    const auto field = [&](const char* name) { return example.value(name, std::string()); };
    auto values =
        documentValues(field("title"), field("company"), field("filing_type"), field("period"), field("section"));
    values.insert({{"passage", field("passage")}, {"instruction", instruction}});
    messages.push_back({{"role", "user"}, {"content", PromptLibrary::render(user, values)}});
    messages.push_back({{"role", "assistant"}, {"content", nlohmann::json{{"query", field("query")}}.dump()}});
  }
  auto values = documentValues(request.title, request.company, request.filingType, request.period, request.section);
  values.insert({{"passage", clipPassage(request.passageText)}, {"instruction", instruction}});
  messages.push_back({{"role", "user"}, {"content", PromptLibrary::render(user, values)}});
  return messages;
}

OpenAiTeacher::OpenAiTeacher(TeacherConfig config, PromptLibrary prompts)
    : config_(std::move(config)), prompts_(std::move(prompts)) {
  if (!config_.isPool() && config_.baseUrl.empty())
    throw InputError("openai teacher: no endpoint (base_url) configured");
  if (config_.model.empty())
    throw InputError("openai teacher: no model configured");
  const std::vector<TeacherEndpoint> endpoints = config_.servingEndpoints();
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    apiKeys_.push_back(config_.resolveApiKey(endpoints[i]));
    // An endpoint meant for another prompt would put its grades under this prompt's version in the cache.
    if (!endpoints[i].promptVersion.empty() && endpoints[i].promptVersion != prompts_.judge().version)
      throw InputError("teacher config: field 'endpoints[" + std::to_string(i) + "].prompt_version' is '" +
                       endpoints[i].promptVersion + "' but the pool grades with prompt version '" +
                       prompts_.judge().version + "': every endpoint of a pool must use the same prompt");
  }
  maxGrade_ = prompts_.judge().spec.value("max_grade", 3);
  jsonModeUsable_ = config_.jsonMode;
  logprobsUsable_ = config_.logprobs;
}

OpenAiTeacher::~OpenAiTeacher() = default;

std::string OpenAiTeacher::scrubKeys(std::string text) const {
  for (const std::string& key : apiKeys_)
    text = scrubSecret(std::move(text), key);
  return text;
}

void OpenAiTeacher::runCalls(const std::vector<CallSpec>& specs, const std::string& stage,
                             const ProgressCallback& progress, std::stop_token stop,
                             const std::function<void(std::size_t, CallResult&&)>& done) {
  std::vector<ChatEndpoint> endpoints;
  const std::vector<TeacherEndpoint> serving = config_.servingEndpoints();
  for (std::size_t i = 0; i < serving.size(); ++i) {
    ChatEndpoint endpoint;
    endpoint.name = serving[i].label(i);
    endpoint.baseUrl = serving[i].baseUrl;
    endpoint.apiKey = apiKeys_[i];
    endpoint.timeoutSeconds = config_.timeoutSeconds;
    endpoint.insecureTlsHosts = config_.tlsInsecureHosts;
    endpoint.maxResponseBytes = config_.maxResponseBytes;
    endpoint.concurrency = serving[i].concurrency;
    endpoint.requestsPerMinute = serving[i].requestsPerMinute;
    endpoint.tokensPerMinute = serving[i].tokensPerMinute;
    endpoint.retry = config_.retry;
    endpoints.push_back(std::move(endpoint));
  }
  ChatClient client(std::move(endpoints), config_.pool, log_);

  struct State {
    CallResult result;
    nlohmann::json messages; // grows by the strict follow-up
    bool strictTried = false;
    bool featureFallbackTried = false;
    bool sentOptionalFeatures = false; // response_format or logprobs went with the last request
    std::int64_t estimate = 0;
  };
  std::vector<State> states(specs.size());

  const auto send = [&](std::size_t index) {
    State& state = states[index];
    nlohmann::json body = {{"model", config_.model},
                           {"messages", state.messages},
                           {"temperature", specs[index].temperature},
                           {"max_tokens", config_.maxTokens}};
    state.sentOptionalFeatures = false;
    if (jsonModeUsable_) {
      body["response_format"] = {{"type", "json_object"}};
      state.sentOptionalFeatures = true;
    }
    if (specs[index].wantLogprobs && logprobsUsable_) {
      body["logprobs"] = true;
      body["top_logprobs"] = 5;
      state.sentOptionalFeatures = true;
    }
    state.estimate = promptTokenEstimate(state.messages) + config_.maxTokens;
    client.enqueue(index, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), state.estimate);
  };

  std::int64_t finished = 0;
  const auto complete = [&](std::size_t index) {
    CallResult& result = states[index].result;
    result.usage.cost = result.usage.inputTokens / 1000.0 * config_.inputPricePer1k +
                        result.usage.outputTokens / 1000.0 * config_.outputPricePer1k;
    done(index, std::move(result));
    report(progress, {stage, ++finished, static_cast<std::int64_t>(specs.size()), ""});
  };

  const auto onComplete = [&](std::uint64_t tag, ChatOutcome&& outcome) {
    const std::size_t index = static_cast<std::size_t>(tag);
    State& state = states[index];
    CallResult& result = state.result;
    result.attempts += outcome.attempts;
    result.usage.calls += outcome.attempts;
    result.latencyMs += outcome.latencyMs;
    if (!outcome.ok) {
      // An endpoint that does not know response_format or logprobs answers 400: try once without them.
      if (outcome.httpStatus == 400 && state.sentOptionalFeatures && !state.featureFallbackTried) {
        state.featureFallbackTried = true;
        jsonModeUsable_ = false;
        logprobsUsable_ = false;
        send(index);
        return;
      }
      result.failureReason = outcome.failureReason;
      result.transient = outcome.transient;
      result.content = outcome.body;
      complete(index);
      return;
    }
    const ChatCompletion completion = parseChatCompletion(outcome.body);
    result.usage.inputTokens += completion.inputTokens;
    result.usage.outputTokens += completion.outputTokens;
    if (completion.inputTokens + completion.outputTokens > 0)
      client.recordTokenUsage(state.estimate, completion.inputTokens + completion.outputTokens, outcome.endpoint);
    const std::string problem = completion.ok ? specs[index].problemOf(completion.content) : completion.problem;
    // The body was scrubbed as bytes; the decoded content is scrubbed again, since a key the model wrote with JSON
    // escapes ("\u0073k-...") only appears once decoded.
    result.content = completion.ok ? client.scrub(completion.content) : outcome.body;
    if (problem.empty()) {
      result.ok = true;
      result.logprobs = completion.logprobs;
      complete(index);
      return;
    }
    if (!state.strictTried) {
      // One more chance with the stricter wording, showing the model its unusable answer.
      state.strictTried = true;
      state.messages.push_back({{"role", "assistant"}, {"content", clip(result.content, kMaxEchoedAnswerBytes)}});
      state.messages.push_back(
          {{"role", "user"}, {"content", PromptLibrary::render(specs[index].strictRetry, {{"problem", problem}})}});
      send(index);
      return;
    }
    result.failureReason = "unusable answer after a stricter retry: " + problem;
    complete(index);
  };

  for (std::size_t i = 0; i < specs.size(); ++i) {
    states[i].messages = specs[i].messages;
    send(i);
  }
  report(progress, {stage, 0, static_cast<std::int64_t>(specs.size()), ""});
  client.run(onComplete, stop);
}

std::vector<Judgment> OpenAiTeacher::judge(const std::vector<JudgeRequest>& requests, const ProgressCallback& progress,
                                           std::stop_token stop, const JudgmentSink& sink) {
  const std::string strict = prompts_.judge().text("strict_retry");
  std::vector<CallSpec> specs(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    specs[i].messages = judgeMessages(prompts_, requests[i]);
    specs[i].temperature = config_.temperature;
    specs[i].wantLogprobs = true;
    specs[i].strictRetry = strict;
    specs[i].problemOf = [this](const std::string& content) { return parseGradeAnswer(content, maxGrade_).problem; };
  }
  std::vector<Judgment> judgments(requests.size());
  runCalls(specs, "judge", progress, stop, [&](std::size_t index, CallResult&& call) {
    Judgment& judgment = judgments[index];
    judgment.attempts = call.attempts;
    judgment.latencyMs = call.latencyMs;
    judgment.usage = call.usage;
    judgment.rawResponse = clip(call.content, kMaxStoredResponseBytes);
    if (call.ok) {
      const ParsedGrade parsed = parseGradeAnswer(call.content, maxGrade_);
      judgment.ok = true;
      judgment.grade = parsed.grade;
      // Scrubbed once more: a key escaped inside the answer's own JSON ("\u0073k-...") is only now decoded.
      judgment.rationale = clip(scrubKeys(parsed.rationale), kMaxStoredRationaleBytes);
      judgment.score = expectedGradeFromLogprobs(call.logprobs, parsed.grade, maxGrade_);
    } else {
      judgment.failureReason = call.failureReason;
      judgment.transientFailure = call.transient;
    }
    if (sink)
      sink(index, judgment);
  });
  return judgments;
}

std::vector<SynthesisResult> OpenAiTeacher::synthesizeQueries(const std::vector<SynthesisRequest>& requests,
                                                              const ProgressCallback& progress, std::stop_token stop,
                                                              const SynthesisSink& sink) {
  const std::string strict = prompts_.synthesis().text("strict_retry");
  std::vector<CallSpec> specs(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    specs[i].messages = synthesisMessages(prompts_, requests[i]);
    specs[i].temperature = config_.synthesisTemperature;
    specs[i].problemOf = [](const std::string& content) { return parseQueryAnswer(content).problem; };
    specs[i].strictRetry = strict;
  }
  std::vector<SynthesisResult> results(requests.size());
  runCalls(specs, "synthesise", progress, stop, [&](std::size_t index, CallResult&& call) {
    SynthesisResult& result = results[index];
    result.passageId = requests[index].passageId;
    result.type = requests[index].type;
    result.attempts = call.attempts;
    result.latencyMs = call.latencyMs;
    result.usage = call.usage;
    result.rawResponse = clip(call.content, kMaxStoredResponseBytes);
    if (call.ok) {
      result.ok = true;
      result.query = scrubKeys(parseQueryAnswer(call.content).query);
    } else {
      result.failureReason = call.failureReason;
      result.transientFailure = call.transient;
    }
    if (sink)
      sink(index, result);
  });
  return results;
}

} // namespace distillery::teacher
