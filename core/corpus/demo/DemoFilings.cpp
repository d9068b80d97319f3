// The demo corpus generator. Fictional registrants get a consistent financial model (revenue, margins,
// cash, pay, ...) per fiscal year and quarter; filings of six types render that model through templates
// whose wording varies with synonyms ("net sales" / "revenue"), so the same fact reads differently across
// filings and in the queries that ask for it. Queries are drawn from the facts a passage states: the
// passage that states it is graded 3 (or 2 when it only mentions it, e.g. a prior-year comparative),
// passages of the same company on the same topic but another period are graded 1.
#include "core/corpus/demo/DemoFilings.h"

#include "core/corpus/demo/DemoText.h"
#include "core/corpus/demo/Industries.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>

namespace distillery::corpus::demo {
namespace {

struct Company {
  std::string name;      // full legal name
  std::string shortName; // as analysts write it
  std::string ticker;
  const Industry* industry;
  std::string city;
  std::string country; // "United States" unless a foreign private issuer
  bool foreign = false;
  bool newlyPublic = false; // files an S-1 before its first 10-K
  std::string ceo, cfo, newCfo, auditor;
  double baseRevenue;         // $ millions in the first year
  std::vector<double> growth; // per year
  double netMargin;
  int employees;
};

struct Figures {
  double revenue, grossMarginPct, operatingIncome, netIncome, eps, cash, debt, capex, rnd;
  std::vector<double> segments;
};

const std::vector<int> kYears = {2020, 2021, 2022, 2023};
const std::vector<std::pair<int, int>> kQuarters = {{2023, 1}, {2023, 2}, {2023, 3}, {2024, 1}, {2024, 2}, {2024, 3}};

std::string ordinalQuarter(int q) {
  static const char* names[] = {"", "first", "second", "third", "fourth"};
  return names[q];
}

class DemoWriter {
public:
  DemoWriter(const DemoCorpusOptions& options) : options_(options), rng_(options.seed ^ 0x5DEECE66Dull) {}

  void generate() {
    makeCompanies();
    for (const Company& company : companies_)
      generateCompany(company);
  }

  std::vector<DemoPassage> passages;
  std::int64_t documents = 0;

private:
  // ---- companies and their numbers -------------------------------------------------------------
  void makeCompanies() {
    static const std::vector<std::string> stems = {
        "Northwind", "Bluestone", "Harborview", "Crestline",   "Redwood",      "Silverlake", "Ironbridge",   "Meridian",
        "Oakmont",   "Pinecrest", "Stonegate",  "Brightwater", "Granite Peak", "Lakeshore",  "Summit Ridge", "Cobalt",
        "Evergreen", "Falcon",    "Juniper",    "Keystone",    "Larkspur",     "Mariner",    "Orion",        "Prairie"};
    static const std::vector<std::string> cities = {
        "Austin, Texas",      "Columbus, Ohio",        "San Jose, California",   "Charlotte, North Carolina",
        "Denver, Colorado",   "Boston, Massachusetts", "Minneapolis, Minnesota", "Atlanta, Georgia",
        "Seattle, Washington"};
    static const std::vector<std::pair<std::string, std::string>> foreignSeats = {
        {"Munich", "Germany"},
        {"Eindhoven", "the Netherlands"},
        {"Shenzhen", "the People's Republic of China"},
        {"Tel Aviv", "Israel"},
        {"Toronto", "Canada"},
        {"Zurich", "Switzerland"}};
    static const std::vector<std::string> firstNames = {"Maria", "James",  "Priya", "Daniel", "Elena", "Robert",
                                                        "Aisha", "Thomas", "Grace", "Kenji",  "Laura", "Michael",
                                                        "Sofia", "David",  "Nadia", "William"};
    static const std::vector<std::string> lastNames = {"Alvarez", "Chen",     "Okafor", "Schmidt", "Patel",  "Nguyen",
                                                       "Rossi",   "Kowalski", "Haddad", "Larsen",  "Brooks", "Tanaka",
                                                       "Moreau",  "Fischer",  "Reyes",  "Walsh"};
    static const std::vector<std::string> auditors = {"Whitman & Cole LLP", "Archer Ridge LLP", "Baxter Lund LLP"};
    std::vector<std::string> names = stems;
    rng_.shuffle(names);
    const int count = std::min<int>(options_.companies, static_cast<int>(names.size()));
    for (int i = 0; i < count; ++i) {
      Company c;
      c.industry = &industries()[static_cast<std::size_t>(i) % industries().size()];
      c.shortName = names[static_cast<std::size_t>(i)];
      c.name = c.shortName + " " + c.industry->nameSuffix;
      std::string letters;
      for (char ch : c.shortName)
        if (std::isupper(static_cast<unsigned char>(ch)))
          letters += ch;
      c.ticker = (letters + c.shortName.substr(1, 4 - letters.size()));
      std::transform(c.ticker.begin(), c.ticker.end(), c.ticker.begin(),
                     [](unsigned char ch) { return std::toupper(ch); });
      c.foreign = i % 4 == 3; // every fourth registrant is a foreign private issuer filing 20-F
      c.newlyPublic = !c.foreign && i % 4 == 2;
      if (c.foreign) {
        const auto& seat = foreignSeats[static_cast<std::size_t>(i / 4) % foreignSeats.size()];
        c.city = seat.first;
        c.country = seat.second;
      } else {
        c.city = rng_.choose(cities);
        c.country = "United States";
      }
      const auto person = [&] { return rng_.choose(firstNames) + " " + rng_.choose(lastNames); };
      c.ceo = person();
      c.cfo = person();
      c.newCfo = person();
      c.auditor = rng_.choose(auditors);
      c.baseRevenue = std::round(rng_.uniform(c.industry->revenueLowMillions, c.industry->revenueHighMillions));
      if (c.newlyPublic)
        c.baseRevenue = std::round(c.baseRevenue / 6);
      for (std::size_t y = 0; y < kYears.size() + 1; ++y)
        c.growth.push_back(rng_.uniform(c.newlyPublic ? 0.15 : -0.08, c.newlyPublic ? 0.6 : 0.22));
      c.netMargin = c.newlyPublic ? rng_.uniform(-0.25, -0.05) : rng_.uniform(0.04, 0.24);
      c.employees = static_cast<int>(c.baseRevenue * rng_.uniform(1.2, 4.0)) / 10 * 10 + 120;
      companies_.push_back(std::move(c));
    }
  }

  // The model of a company in a fiscal year (quarter 0) or quarter; seeded from the company and period
  // so that every filing that reports the same period reports the same numbers.
  Figures figures(const Company& c, int year, int quarter = 0) {
    double revenue = c.baseRevenue;
    for (int y = kYears.front(); y < year; ++y)
      revenue *= 1 + c.growth[static_cast<std::size_t>(std::min(y - kYears.front(), 3))];
    Rng local(std::hash<std::string>{}(c.name) ^ static_cast<std::uint64_t>(year * 10 + quarter) ^ options_.seed);
    if (quarter > 0)
      revenue = revenue / 4 * local.uniform(0.9, 1.1) * (1 + 0.02 * quarter);
    Figures f;
    f.revenue = std::round(revenue * 10) / 10;
    f.grossMarginPct = c.industry->grossMarginPercent + local.uniform(-3, 3);
    f.netIncome = std::round(f.revenue * (c.netMargin + local.uniform(-0.02, 0.02)) * 10) / 10;
    f.operatingIncome = std::round((f.netIncome > 0 ? f.netIncome * local.uniform(1.15, 1.35)
                                                    : f.netIncome * local.uniform(0.85, 0.95)) *
                                   10) /
                        10;
    const double shares = c.baseRevenue / 25 + 40;
    f.eps = std::round(f.netIncome / shares * 100) / 100;
    f.cash = std::round(f.revenue * local.uniform(0.15, 0.45) * (quarter ? 4 : 1) * 10) / 10;
    f.debt = std::round(f.revenue * local.uniform(0.1, 0.6) * (quarter ? 4 : 1) * 10) / 10;
    f.capex = std::round(f.revenue * local.uniform(0.03, 0.09) * 10) / 10;
    f.rnd = std::round(f.revenue * (c.industry->rndShareOfRevenue + local.uniform(0, 0.02)) * 10) / 10;
    const double a = local.uniform(0.45, 0.6), b = local.uniform(0.25, 0.35);
    f.segments = {std::round(f.revenue * a * 10) / 10, std::round(f.revenue * b * 10) / 10, 0};
    f.segments[2] = std::round((f.revenue - f.segments[0] - f.segments[1]) * 10) / 10;
    return f;
  }

  // ---- passages ---------------------------------------------------------------------------------
  struct Filing {
    const Company* company;
    std::string type;
    std::string period; // "FY2023", "2024 Q3", "2023-05-14"
    std::string document;
    int ordinal = 0;
  };

  DemoPassage& add(Filing& filing, const std::string& section, const std::string& topic, std::string text) {
    DemoPassage p;
    p.document = filing.document;
    p.id = filing.document + "-" + std::to_string(++filing.ordinal);
    p.filingType = filing.type;
    p.company = filing.company->name;
    p.period = filing.period;
    p.section = section;
    p.title = filing.company->name + " " + filing.type + " " + filing.period + " - " + section;
    p.text = std::move(text);
    p.topic = filing.company->ticker + "|" + topic;
    passages.push_back(std::move(p));
    return passages.back();
  }

  // Registers a fact and the ways a user could ask for it.
  void fact(DemoPassage& p, const std::string& key, int grade, std::vector<QueryVariant> asks = {}) {
    p.facts.push_back({key, grade});
    if (!asks.empty())
      p.queries[key] = std::move(asks);
  }

  std::string who(const Company& c) { // how a query names the registrant
    const std::size_t roll = rng_.pick(10);
    return roll < 6 ? c.shortName : roll < 8 ? c.name : c.ticker;
  }

  // How a passage names its registrant: mostly by name (so a query naming the company can find it),
  // sometimes "our"/"the Company's" as filings also do.
  std::string possessive(const Company& c) {
    const std::size_t roll = rng_.pick(10);
    return roll < 7 ? c.shortName + "'s" : roll < 9 ? "our" : "the Company's";
  }

  std::string change(double now, double before) {
    const double pct = before != 0 ? (now - before) / std::fabs(before) * 100 : 0;
    return (pct >= 0 ? syn(rng_, "increase") : syn(rng_, "decrease")) + " " + percent(std::fabs(pct));
  }

  std::string fyLabel(int year) {
    switch (rng_.pick(3)) {
    case 0:
      return "fiscal " + std::to_string(year);
    case 1:
      return "fiscal year " + std::to_string(year);
    default:
      return std::to_string(year);
    }
  }

  std::string quarterLabel(int year, int q) {
    switch (rng_.pick(3)) {
    case 0:
      return "Q" + std::to_string(q) + " " + std::to_string(year);
    case 1:
      return "the " + ordinalQuarter(q) + " quarter of " + std::to_string(year);
    default:
      return std::to_string(year) + " " + ordinalQuarter(q) + " quarter";
    }
  }

  void generateCompany(const Company& c) {
    if (c.foreign) {
      for (int year : kYears)
        annualReport(c, year, "20-F");
      return;
    }
    if (c.newlyPublic) {
      registrationStatement(c);
      annualReport(c, kYears.back(), "10-K");
    } else {
      for (int year : kYears)
        annualReport(c, year, "10-K");
    }
    for (const auto& [year, quarter] : kQuarters) {
      quarterlyReport(c, year, quarter);
      earningsRelease(c, year, quarter);
    }
    currentReports(c);
    for (int year : {2023, 2024})
      proxyStatement(c, year);
  }

  Filing newFiling(const Company& c, const std::string& type, const std::string& period) {
    ++documents;
    std::string slug = type;
    std::erase(slug, ' ');
    std::string periodSlug = period;
    std::replace(periodSlug.begin(), periodSlug.end(), ' ', '-');
    return Filing{&c, type, period, c.ticker + "-" + slug + "-" + periodSlug};
  }

  void riskFactors(Filing& f, const std::string& section, int year) {
    const Company& c = *f.company;
    struct Risk {
      std::string topic, text;
      std::vector<std::string> asks;
    };
    std::vector<Risk> risks = {
        {"cyber",
         "We depend on information technology systems, and " +
             rng_.choose(std::vector<std::string>{"cybersecurity incidents", "cyber-attacks", "data breaches",
                                                  "ransomware attacks"}) +
             " could disrupt our operations, expose confidential information and result in litigation and regulatory "
             "penalties. Our insurance may not cover all losses from such an incident.",
         {"cybersecurity risk", "data breach", "hacking and ransomware exposure"}},
        {"fx",
         "A significant portion of our " + syn(rng_, "revenue") + " is generated outside " +
             (c.foreign ? "our home market" : "the United States") + ", and " +
             rng_.choose(std::vector<std::string>{"fluctuations in foreign currency exchange rates",
                                                  "currency movements", "a stronger U.S. dollar"}) +
             " could reduce our reported results.",
         {"foreign exchange risk", "currency fluctuation", "exchange rate exposure"}},
        {"rates",
         "Rising interest rates increase the cost of our variable-rate borrowings under our " +
             syn(rng_, "credit facility") + " and could make it more expensive to refinance our " + syn(rng_, "debt") +
             ".",
         {"interest rate risk", "higher borrowing costs", "refinancing risk"}},
        {"supply",
         "We rely on suppliers of " + c.industry->inputs + ", and " +
             rng_.choose(
                 std::vector<std::string>{"supply chain disruptions", "supplier shortages", "logistics bottlenecks"}) +
             " could delay deliveries of our " + c.industry->products[0] + " and increase our costs.",
         {"supply chain risk", "supplier disruption", "shortage of inputs"}},
        {"competition",
         "The markets for " + c.industry->products[1] +
             " are highly competitive, and competitors with greater "
             "resources could reduce our prices and market share.",
         {"competitive pressure", "competition risk", "losing market share to competitors"}},
        {"industry:" + c.industry->risks[0].topic,
         c.industry->risks[0].sentence,
         {c.industry->risks[0].topic + " risk", "risk from " + c.industry->risks[0].topic}},
        {"industry:" + c.industry->risks[1].topic,
         c.industry->risks[1].sentence,
         {c.industry->risks[1].topic + " risk", "risk from " + c.industry->risks[1].topic}},
    };
    for (Risk& risk : risks) {
      // Risk factors barely change from year to year: the same wording with a new year is a near-duplicate.
      std::string text = risk.text + " In " + std::to_string(year) + ", " + c.shortName +
                         " continued to monitor this risk" +
                         (rng_.chance(0.5) ? " closely." : " and to invest in mitigation.");
      DemoPassage& p = add(f, section, "risk:" + risk.topic, text);
      const std::string name = who(c);
      fact(p, c.ticker + "|risk:" + risk.topic, 3,
           {{"What does " + name + " disclose about " + rng_.choose(risk.asks) + "?", "question"},
            {name + " " + rng_.choose(risk.asks), "keyword"},
            {name + " warns about " + rng_.choose(risk.asks) + ".", "claim"}});
    }
  }

  void annualReport(const Company& c, int year, const std::string& type) {
    Filing f = newFiling(c, type, "FY" + std::to_string(year));
    const bool twentyF = type == "20-F";
    const Figures now = figures(c, year), before = figures(c, year - 1);
    const std::string fy = std::to_string(year);
    const std::string key = c.ticker + "|";
    const auto section = [&](const char* tenK, const char* twenty) { return std::string(twentyF ? twenty : tenK); };

    // Business
    {
      const int staff = static_cast<int>(c.employees * (1 + 0.06 * (year - kYears.front())));
      DemoPassage& p =
          add(f, section("Item 1. Business", "Item 4. Information on the Company"), "business",
              c.name + " " + c.industry->description + ". We are headquartered in " + c.city +
                  (c.foreign ? ", " + c.country : "") + " and serve " + c.industry->customers + ". We report three " +
                  syn(rng_, "segment") + "s: " + c.industry->segments[0] + ", " + c.industry->segments[1] + " and " +
                  c.industry->segments[2] + ". As of the end of fiscal " + fy + ", we had approximately " +
                  withCommas(staff) + " " + syn(rng_, "employees") + ".");
      const std::string name = who(c);
      fact(p, key + "segments|" + fy, 3,
           {{"What are " + name + "'s reportable " + syn(rng_, "segment") + "s?", "question"},
            {name + " " + syn(rng_, "segment") + "s " + fy, "keyword"}});
      fact(p, key + "employees|" + fy, 3,
           {{"How many " + syn(rng_, "employees") + " did " + name + " have at the end of " + fyLabel(year) + "?",
             "question"},
            {name + " " + syn(rng_, "employees") + " " + fy, "keyword"}});
    }
    // Human capital and properties
    {
      const double turnover = std::round(rng_.uniform(6, 18) * 10) / 10;
      DemoPassage& p =
          add(f, section("Item 1. Business", "Item 6.D. Employees"), "human capital",
              "Human Capital. " + capitalised(possessive(c)) + " voluntary " + syn(rng_, "employees") +
                  " turnover was " + percent(turnover) + " in " + fyLabel(year) + ", and women made up " +
                  percent(rng_.uniform(22, 55), 0) + " of the " + syn(rng_, "employees") +
                  ". We offer equity awards to most employees and invest in training and safety programs.");
      const std::string name = who(c);
      fact(p, key + "turnover|FY" + fy, 3,
           {{"What was " + name + "'s employee turnover rate in " + fyLabel(year) + "?", "question"},
            {name + " attrition " + fy, "keyword"}});
    }
    {
      const int squareFeet = static_cast<int>(rng_.pick(900) + 100) * 1000;
      DemoPassage& p = add(f, section("Item 2. Properties", "Item 4.D. Property, Plants and Equipment"), "properties",
                           "Properties. " + capitalised(possessive(c)) + " headquarters in " + c.city + " is " +
                               (rng_.chance(0.5) ? "owned" : "leased") + ". In total we occupy approximately " +
                               withCommas(squareFeet) +
                               " square feet of offices, plants and warehouses, which we "
                               "believe are adequate for current needs.");
      const std::string name = who(c);
      fact(p, key + "properties|FY" + fy, 3,
           {{"Where is " + name + " headquartered and how much space does it occupy?", "question"},
            {name + " headquarters square feet", "keyword"}});
    }
    riskFactors(f, section("Item 1A. Risk Factors", "Item 3.D. Risk Factors"), year);
    if (twentyF) {
      DemoPassage& p = add(f, "Item 3.D. Risk Factors", "risk:ads",
                           "Holders of our American depositary shares (ADSs) may not be able to exercise voting rights "
                           "as directly as holders of our ordinary shares, and the laws of " +
                               c.country + " may differ from those of the United States in protecting shareholders.");
      fact(p, key + "risk:ads", 3, {{"Can " + who(c) + " ADS holders vote their shares?", "question"}});
    }
    // Results of operations
    {
      const std::string rev = syn(rng_, "revenue"), ni = syn(rng_, "net income");
      DemoPassage& p = add(
          f, section("Item 7. Management's Discussion and Analysis", "Item 5.A. Operating Results"), "results",
          "Results of Operations. " + capitalised(possessive(c)) + " " + rev + " for " + fyLabel(year) + " was " +
              money(now.revenue) + ", compared with " + money(before.revenue) + " in " + std::to_string(year - 1) +
              ", an " + change(now.revenue, before.revenue) + ". " +
              (now.netIncome >= 0 ? "Net income was " + money(now.netIncome)
                                  : "Net loss was " + money(-now.netIncome)) +
              (before.netIncome >= 0 ? ", versus net income of " + money(before.netIncome)
                                     : ", versus a net loss of " + money(-before.netIncome)) +
              " in the prior year. " + syn(rng_, "operating income") + " " + "was " + money(now.operatingIncome) + ".");
      const std::string name = who(c);
      fact(p, key + "revenue|FY" + fy, 3,
           {{"What was " + name + "'s " + syn(rng_, "revenue") + " in " + fyLabel(year) + "?", "question"},
            {name + " " + syn(rng_, "revenue") + " " + fy, "keyword"},
            {name + " annual " + syn(rng_, "revenue") + " " + fy + " compared with prior year", "title"}});
      fact(p, key + "net income|FY" + fy, 3,
           {{"How much " + syn(rng_, "net income") + " did " + name + " report for " + fyLabel(year) + "?", "question"},
            {name + " " + fy + " " + syn(rng_, "net income"), "keyword"}});
      fact(p, key + "revenue|FY" + std::to_string(year - 1), 2);
      fact(p, key + "net income|FY" + std::to_string(year - 1), 2);
    }
    // Segment results table
    {
      std::string table = c.shortName + " revenue by " + syn(rng_, "segment") + " (in millions) | " + fy + " | " +
                          std::to_string(year - 1) + " | Change\n";
      for (std::size_t s = 0; s < 3; ++s)
        table += c.industry->segments[s] + " | " + tableMoney(now.segments[s]) + " | " +
                 tableMoney(before.segments[s]) + " | " +
                 percent((now.segments[s] - before.segments[s]) / before.segments[s] * 100) + "\n";
      table += "Total | " + tableMoney(now.revenue) + " | " + tableMoney(before.revenue) + " | " +
               percent((now.revenue - before.revenue) / before.revenue * 100);
      DemoPassage& p =
          add(f, section("Item 7. Management's Discussion and Analysis", "Item 5.A. Operating Results"), "segments",
              "Segment Results. " + c.industry->segments[0] + " " + syn(rng_, "revenue") + " " +
                  change(now.segments[0], before.segments[0]) + " driven by demand for " + c.industry->products[0] +
                  ".\n" + table);
      const std::string name = who(c);
      fact(p, key + "segment revenue|FY" + fy, 3,
           {{"How much " + syn(rng_, "revenue") + " did " + name + "'s " + c.industry->segments[0] + " " +
                 syn(rng_, "segment") + " generate in " + fyLabel(year) + "?",
             "question"},
            {name + " " + c.industry->segments[0] + " " + syn(rng_, "segment") + " " + syn(rng_, "revenue") + " " + fy,
             "keyword"}});
      fact(p, key + "revenue|FY" + fy, 2);
    }
    // Margins and expenses
    {
      DemoPassage& p = add(
          f, section("Item 7. Management's Discussion and Analysis", "Item 5.A. Operating Results"), "margins",
          capitalised(possessive(c)) + " gross margin was " + percent(now.grossMarginPct) + " of " +
              syn(rng_, "revenue") + " in " + fyLabel(year) + ", compared with " + percent(before.grossMarginPct) +
              " a year earlier, reflecting " +
              rng_.choose(std::vector<std::string>{"product mix", "higher input costs", "pricing actions",
                                                   "manufacturing efficiencies"}) +
              ". " +
              (c.industry->rndShareOfRevenue > 0.01 ? "Research and development expenses were " + money(now.rnd) + ". "
                                                    : "") +
              "Selling, general and administrative expenses " + change(now.revenue * 0.12, before.revenue * 0.12) +
              " as we invested in " +
              rng_.choose(std::vector<std::string>{"sales capacity", "marketing", "systems", "new markets"}) + ".");
      const std::string name = who(c);
      fact(p, key + "gross margin|FY" + fy, 3,
           {{"What was " + name + "'s " + syn(rng_, "gross margin") + " in " + fyLabel(year) + "?", "question"},
            {name + " " + syn(rng_, "gross margin") + " " + fy, "keyword"}});
      if (c.industry->rndShareOfRevenue > 0.01)
        fact(p, key + "rnd|FY" + fy, 3,
             {{"How much did " + name + " spend on " + syn(rng_, "rnd") + " in " + fyLabel(year) + "?", "question"},
              {name + " " + syn(rng_, "rnd") + " " + fy, "keyword"}});
    }
    // Liquidity
    {
      const double facility = std::round(now.revenue * 0.1 / 50) * 50 + 250;
      DemoPassage& p =
          add(f, section("Item 7. Management's Discussion and Analysis", "Item 5.B. Liquidity and Capital Resources"),
              "liquidity",
              "Liquidity and Capital Resources. As of the end of fiscal " + fy + ", " + c.shortName + " had " +
                  syn(rng_, "cash") + " of " + money(now.cash) + " and " + syn(rng_, "debt") + " of " +
                  money(now.debt) + ". We also have a " + money(facility) + " " + syn(rng_, "credit facility") +
                  ", which was undrawn. We believe these resources "
                  "are sufficient to fund operations for at least the next twelve months.");
      const std::string name = who(c);
      fact(p, key + "cash|FY" + fy, 3,
           {{"How much " + syn(rng_, "cash") + " did " + name + " have at the end of " + fyLabel(year) + "?",
             "question"},
            {name + " " + syn(rng_, "cash") + " " + fy, "keyword"},
            {name + " liquidity position " + fy, "title"}});
      fact(p, key + "debt|FY" + fy, 3,
           {{"What was " + name + "'s " + syn(rng_, "debt") + " at fiscal year-end " + fy + "?", "question"}});
    }
    // Capital allocation
    {
      const double buyback = std::round(now.revenue * rng_.uniform(0.02, 0.08) / 10) * 10 + 100;
      const double dividend = std::round(rng_.uniform(0.1, 1.2) * 100) / 100;
      DemoPassage& p =
          add(f, section("Item 7. Management's Discussion and Analysis", "Item 5.B. Liquidity and Capital Resources"),
              "capital allocation",
              "Capital Allocation. " + capitalised(possessive(c)) + " " + syn(rng_, "capex") + " were " +
                  money(now.capex) + " in " + fyLabel(year) + ", primarily for " +
                  rng_.choose(std::vector<std::string>{"manufacturing capacity", "new stores", "data centers",
                                                       "fleet renewal", "plant upgrades"}) +
                  ". " +
                  (now.netIncome > 0
                       ? "Our board authorized a " + money(buyback) + " " + syn(rng_, "buyback") + " and we paid a " +
                             syn(rng_, "dividend") + " of $" + fixed(dividend, 2) + " per share."
                       : "We did not repurchase shares or pay dividends, and we intend to retain "
                         "earnings to fund growth."));
      const std::string name = who(c);
      fact(p, key + "capex|FY" + fy, 3,
           {{"What were " + name + "'s " + syn(rng_, "capex") + " in " + fyLabel(year) + "?", "question"},
            {name + " " + syn(rng_, "capex") + " " + fy, "keyword"}});
      if (now.netIncome > 0)
        fact(p, key + "buyback|FY" + fy, 3,
             {{"How large is " + name + "'s " + syn(rng_, "buyback") + " authorized in " + fy + "?", "question"},
              {name + " " + syn(rng_, "buyback") + " " + fy, "keyword"}});
    }
    // Critical accounting estimates and outlook
    {
      const double goodwill = std::round(now.revenue * rng_.uniform(0.1, 0.5) * 10) / 10;
      DemoPassage& p =
          add(f, section("Item 7. Management's Discussion and Analysis", "Item 5.E. Critical Accounting Estimates"),
              "goodwill",
              "Critical Accounting Estimates. Goodwill of " + money(goodwill) +
                  " is tested for impairment "
                  "annually. In the " +
                  fy + " test, the fair value of each reporting unit of " + c.shortName +
                  " exceeded its carrying value by at least " + percent(rng_.uniform(8, 60), 0) +
                  ", so no impairment was recorded. Key assumptions are revenue growth and the discount "
                  "rate of " +
                  percent(rng_.uniform(8, 12)) + ".");
      const std::string name = who(c);
      fact(p, key + "goodwill|FY" + fy, 3,
           {{"Did " + name + " record a goodwill impairment in " + fyLabel(year) + "?", "question"},
            {name + " goodwill impairment test " + fy, "keyword"}});
    }
    {
      const double lo = std::round(rng_.uniform(-4, 12)), hi = lo + 2 + static_cast<double>(rng_.pick(4));
      const std::string next = std::to_string(year + 1);
      DemoPassage& p =
          add(f, section("Item 7. Management's Discussion and Analysis", "Item 5.D. Trend Information"), "outlook",
              "Outlook. For fiscal " + next + ", " + c.shortName + " expects " + syn(rng_, "revenue") + " growth of " +
                  percent(lo, 0) + " to " + percent(hi, 0) + " and " + syn(rng_, "capex") + " of about " +
                  money(now.capex * 1.1) + ", assuming stable demand for " + c.industry->products[rng_.pick(3)] + ".");
      const std::string name = who(c);
      fact(p, key + "guidance|FY" + next, 3,
           {{"What " + syn(rng_, "revenue") + " growth does " + name + " expect for " + fyLabel(year + 1) + "?",
             "question"},
            {name + " " + next + " outlook guidance", "keyword"}});
    }
    // Market risk
    {
      const double sensitivity = std::round(now.debt * 0.01 * rng_.uniform(0.3, 0.7) * 10) / 10;
      const double abroad = rng_.uniform(15, 65);
      DemoPassage& p =
          add(f, section("Item 7A. Quantitative and Qualitative Disclosures About Market Risk", "Item 11. Market Risk"),
              "market risk",
              "Interest Rate Risk. A hypothetical 100 basis point increase in interest rates would increase " +
                  possessive(c) + " annual interest expense by approximately " + money(sensitivity) +
                  ". Foreign Currency Risk. About " + percent(abroad, 0) + " of our " + syn(rng_, "revenue") + " in " +
                  fyLabel(year) +
                  " was denominated in currencies other than the U.S. dollar; a 10% adverse change would reduce " +
                  syn(rng_, "revenue") + " by about " + money(now.revenue * abroad / 1000) + ".");
      const std::string name = who(c);
      fact(p, key + "rate sensitivity|FY" + fy, 3,
           {{"How would a 100 basis point rise in rates affect " + name + "'s interest expense?", "question"},
            {name + " interest rate sensitivity " + fy, "keyword"}});
      fact(p, key + "fx exposure|FY" + fy, 3,
           {{"What share of " + name + "'s " + syn(rng_, "revenue") + " is in foreign currencies?", "question"}});
    }
    // Income statement
    {
      std::string table = c.name + " Consolidated Statements of Operations (in millions, except per share) | " + fy +
                          " | " + std::to_string(year - 1) + "\n";
      table += "Revenue | " + tableMoney(now.revenue) + " | " + tableMoney(before.revenue) + "\n";
      table += "Cost of revenue | " + tableMoney(now.revenue * (1 - now.grossMarginPct / 100)) + " | " +
               tableMoney(before.revenue * (1 - before.grossMarginPct / 100)) + "\n";
      table +=
          "Operating income | " + tableMoney(now.operatingIncome) + " | " + tableMoney(before.operatingIncome) + "\n";
      table += "Net income | " + tableMoney(now.netIncome) + " | " + tableMoney(before.netIncome) + "\n";
      table += "Diluted earnings per share | $" + fixed(now.eps, 2) + " | $" + fixed(before.eps, 2);
      DemoPassage& p =
          add(f, section("Item 8. Financial Statements and Supplementary Data", "Item 18. Financial Statements"),
              "income statement", table);
      const std::string name = who(c);
      fact(p, key + "eps|FY" + fy, 3,
           {{"What were " + name + "'s " + syn(rng_, "eps") + " for " + fyLabel(year) + "?", "question"},
            {name + " " + syn(rng_, "eps") + " " + fy, "keyword"}});
      fact(p, key + "revenue|FY" + fy, 2);
      fact(p, key + "net income|FY" + fy, 2);
    }
    // Controls: near-identical in every filing, as in real ones
    add(f, section("Item 9A. Controls and Procedures", "Item 15. Controls and Procedures"), "controls",
        "Evaluation of Disclosure Controls and Procedures. Our management, with the participation of our " +
            syn(rng_, "ceo") + " and " + syn(rng_, "cfo") +
            ", evaluated the effectiveness of our disclosure controls and procedures as of the end of the period "
            "covered by this report and concluded that they were effective at the reasonable assurance level. " +
            c.auditor + " has issued an attestation report on our internal control over financial reporting.");
    // Legal proceedings
    {
      const double claimed = std::round(rng_.uniform(20, 400));
      DemoPassage& p = add(f, section("Item 3. Legal Proceedings", "Item 8.A.7. Legal Proceedings"), "legal",
                           "In " + std::to_string(year - 1) + ", a " +
                               rng_.choose(std::vector<std::string>{"competitor", "former distributor",
                                                                    "group of shareholders", "customer"}) +
                               " filed a " + syn(rng_, "lawsuit") + " against " + c.shortName + " alleging " +
                               rng_.choose(std::vector<std::string>{"patent infringement", "breach of contract",
                                                                    "securities fraud", "antitrust violations"}) +
                               " and seeking damages of " + money(claimed) +
                               ". We believe the claims are without merit and intend to defend ourselves vigorously.");
      const std::string name = who(c);
      fact(p, key + "lawsuit|FY" + fy, 3,
           {{"What " + syn(rng_, "lawsuit") + " is " + name + " defending and how much is sought?", "question"},
            {name + " " + syn(rng_, "lawsuit") + " damages", "keyword"}});
    }
    if (twentyF) {
      const double perAds = std::round(rng_.uniform(0.2, 1.5) * 100) / 100;
      const double withholding = rng_.choose(std::vector<double>{10, 15, 25, 26.375, 35});
      DemoPassage& p = add(f, "Item 8.A.8. Dividend Policy", "dividend policy",
                           "Dividend Policy. For fiscal " + fy + ", the " + c.shortName + " board proposed a " +
                               syn(rng_, "dividend") + " of US$" + fixed(perAds, 2) +
                               " per ADS, subject to approval at the annual general "
                               "meeting. Dividends paid to holders outside " +
                               c.country + " are generally subject to a withholding tax of " + percent(withholding, 3) +
                               ", which may be reduced under an applicable tax treaty.");
      const std::string name = who(c);
      fact(p, key + "ads dividend|FY" + fy, 3,
           {{"What dividend per ADS did " + name + " propose for " + fyLabel(year) + "?", "question"},
            {name + " dividend per ADS " + fy, "keyword"}});
      fact(p, key + "withholding tax", 3,
           {{"What withholding tax applies to " + name + " dividends paid to U.S. holders?", "question"}});
      const double boardPay = std::round(rng_.uniform(3, 25) * 10) / 10;
      DemoPassage& q = add(f, "Item 6.B. Compensation", "executive pay",
                           "Compensation. The aggregate compensation paid to the members of " + possessive(c) +
                               " management board and "
                               "supervisory board for fiscal " +
                               fy + " was " + money(boardPay) + ", including share-based awards. Our " +
                               syn(rng_, "ceo") + ", " + c.ceo + ", received " + money(boardPay * 0.35) + ".");
      fact(q, key + "ceo pay|FY" + fy, 3,
           {{"How much was " + name + "'s " + syn(rng_, "ceo") + " paid in " + fyLabel(year) + "?", "question"},
            {name + " " + syn(rng_, "ceo") + " " + syn(rng_, "total pay") + " " + fy, "keyword"}});
    }
  }

  void quarterlyReport(const Company& c, int year, int q) {
    const std::string period = std::to_string(year) + " Q" + std::to_string(q);
    Filing f = newFiling(c, "10-Q", period);
    const Figures now = figures(c, year, q), before = figures(c, year - 1, q);
    const std::string key = c.ticker + "|", pk = "|" + period;
    {
      const std::string label = quarterLabel(year, q);
      DemoPassage& p =
          add(f, "Item 2. Management's Discussion and Analysis", "results",
              "Overview of the Quarter. " + capitalised(possessive(c)) + " " + syn(rng_, "revenue") + " for " + label +
                  " was " + money(now.revenue) + ", an " + change(now.revenue, before.revenue) + " from " +
                  money(before.revenue) + " in the same quarter of " + std::to_string(year - 1) + ". " +
                  (now.netIncome >= 0 ? syn(rng_, "net income") + " was " + money(now.netIncome)
                                      : "Net loss was " + money(-now.netIncome)) +
                  ", and " + syn(rng_, "eps") + " were $" + fixed(now.eps, 2) + ".");
      const std::string name = who(c);
      const std::string ask = quarterLabel(year, q);
      fact(p, key + "revenue" + pk, 3,
           {{"What was " + name + "'s " + syn(rng_, "revenue") + " in " + ask + "?", "question"},
            {name + " " + syn(rng_, "revenue") + " " + ask, "keyword"},
            {name + " reported " + syn(rng_, "revenue") + " of " + money(now.revenue) + " for " + ask + ".", "claim"}});
      fact(p, key + "net income" + pk, 3,
           {{"What was " + name + "'s quarterly " + syn(rng_, "net income") + " for " + ask + "?", "question"}});
      fact(p, key + "eps" + pk, 2);
    }
    {
      std::string table = c.shortName + " " + syn(rng_, "segment") + " revenue (in millions) | " +
                          quarterLabel(year, q) + " | prior year\n";
      for (std::size_t s = 0; s < 3; ++s)
        table += c.industry->segments[s] + " | " + tableMoney(now.segments[s]) + " | " +
                 tableMoney(before.segments[s]) + "\n";
      table += "Total | " + tableMoney(now.revenue) + " | " + tableMoney(before.revenue);
      DemoPassage& p = add(f, "Item 2. Management's Discussion and Analysis", "segments", table);
      const std::string name = who(c);
      fact(
          p, key + "segment revenue" + pk, 3,
          {{name + " " + c.industry->segments[1] + " " + syn(rng_, "revenue") + " " + quarterLabel(year, q), "keyword"},
           {"How did " + name + "'s " + c.industry->segments[1] + " " + syn(rng_, "segment") + " perform in " +
                quarterLabel(year, q) + "?",
            "question"}});
    }
    {
      const double repurchased = now.netIncome > 0 ? std::round(now.netIncome * rng_.uniform(0.2, 0.6) * 10) / 10 : 0;
      DemoPassage& p =
          add(f, "Item 2. Management's Discussion and Analysis", "liquidity",
              "Liquidity. At the end of " + quarterLabel(year, q) + ", " + possessive(c) + " " + syn(rng_, "cash") +
                  " totaled " + money(now.cash) + " and " + syn(rng_, "debt") + " was " + money(now.debt) + ". " +
                  (repurchased > 0 ? "During the quarter we repurchased " + money(repurchased) +
                                         " of common stock under "
                                         "our " +
                                         syn(rng_, "buyback") + "."
                                   : "We did not repurchase any shares during the quarter."));
      const std::string name = who(c);
      fact(p, key + "cash" + pk, 3,
           {{"How much " + syn(rng_, "cash") + " did " + name + " hold at the end of " + quarterLabel(year, q) + "?",
             "question"},
            {name + " " + syn(rng_, "cash") + " " + quarterLabel(year, q), "keyword"}});
      if (repurchased > 0)
        fact(p, key + "repurchases" + pk, 3,
             {{"How much stock did " + name + " buy back in " + quarterLabel(year, q) + "?", "question"}});
    }
    {
      DemoPassage& p = add(f, "Item 2. Management's Discussion and Analysis", "margins",
                           capitalised(possessive(c)) + " gross margin for " + quarterLabel(year, q) + " was " +
                               percent(now.grossMarginPct) + ", compared with " + percent(before.grossMarginPct) +
                               " a year ago, primarily due to " +
                               rng_.choose(std::vector<std::string>{"lower freight costs", "unfavorable mix",
                                                                    "price increases", "higher warranty costs"}) +
                               ".");
      const std::string name = who(c);
      fact(p, key + "gross margin" + pk, 3,
           {{"What was " + name + "'s " + syn(rng_, "gross margin") + " in " + quarterLabel(year, q) + "?",
             "question"}});
    }
    add(f, "Part II. Item 1A. Risk Factors", "risk update",
        "There have been no material changes to the risk factors disclosed in Part I, Item 1A of our Annual Report on "
        "Form 10-K for the fiscal year ended " +
            std::to_string(q == 1 ? year - 1 : year - 1) + ".");
    add(f, "Forward-Looking Statements", "forward-looking",
        "This Quarterly Report on Form 10-Q contains forward-looking statements within the meaning of the Private "
        "Securities Litigation Reform Act of 1995, including statements about our expected " +
            syn(rng_, "revenue") +
            ", margins and capital allocation. Actual results may differ materially due to the risks described in our "
            "filings with the SEC.");
  }

  void earningsRelease(const Company& c, int year, int q) {
    const std::string period = std::to_string(year) + " Q" + std::to_string(q);
    Filing f = newFiling(c, "8-K", period + " earnings");
    const Figures now = figures(c, year, q), before = figures(c, year - 1, q);
    const std::string key = c.ticker + "|", pk = "|" + period;
    DemoPassage& p =
        add(f, "Item 2.02. Results of Operations and Financial Condition", "results",
            c.name + " (" + c.ticker + ") today announced financial results for " + quarterLabel(year, q) + ". " +
                syn(rng_, "revenue") + " was " + money(now.revenue) + ", " + change(now.revenue, before.revenue) +
                " year over year. " + syn(rng_, "eps") + " were $" + fixed(now.eps, 2) + ", compared with $" +
                fixed(before.eps, 2) + " a year ago. \"" +
                rng_.choose(std::vector<std::string>{"We delivered solid execution across our segments",
                                                     "Demand remained healthy despite a mixed macro backdrop",
                                                     "Our teams continued to manage costs with discipline"}) +
                ",\" said " + c.ceo + ", " + syn(rng_, "ceo") + ".");
    const std::string name = who(c);
    fact(p, key + "revenue" + pk, 3);
    fact(p, key + "eps" + pk, 3,
         {{"What " + syn(rng_, "eps") + " did " + name + " report for " + quarterLabel(year, q) + "?", "question"},
          {name + " " + syn(rng_, "eps") + " " + quarterLabel(year, q), "keyword"},
          {name + " earnings release " + quarterLabel(year, q), "title"}});
    add(f, "Item 9.01. Financial Statements and Exhibits", "exhibits",
        "(d) Exhibits. Exhibit 99.1: Press release issued by " + c.name + " dated " +
            std::to_string(q == 3 ? year : year) + " announcing results for " + quarterLabel(year, q) +
            ". Exhibit 104: Cover Page Interactive Data File (embedded within the Inline XBRL document).");
  }

  void currentReports(const Company& c) {
    const std::string key = c.ticker + "|";
    {
      Filing f = newFiling(c, "8-K", "2023-08 officer");
      const double salary = std::round(rng_.uniform(450, 900)) * 1000;
      DemoPassage& p = add(f, "Item 5.02. Departure of Directors or Certain Officers", "officer change",
                           "On August 14, 2023, " + c.name + " announced that " + c.cfo + " will step down as " +
                               syn(rng_, "cfo") + " and that the board appointed " + c.newCfo + " as " +
                               syn(rng_, "cfo") + ", effective September 1, 2023. " + c.newCfo +
                               " will receive an annual base salary of $" + withCommas(static_cast<long long>(salary)) +
                               " and a target bonus of " + percent(rng_.uniform(75, 120), 0) + " of salary.");
      const std::string name = who(c);
      fact(p, key + "cfo change", 3,
           {{"Who is " + name + "'s new " + syn(rng_, "cfo") + "?", "question"},
            {name + " " + syn(rng_, "cfo") + " appointment", "keyword"},
            {name + " named " + c.newCfo + " as " + syn(rng_, "cfo") + ".", "claim"}});
    }
    {
      Filing f = newFiling(c, "8-K", "2023-11 credit");
      const double size = std::round(c.baseRevenue * 0.15 / 50) * 50 + 500;
      const int spread = static_cast<int>(rng_.pick(150)) + 100;
      DemoPassage& p =
          add(f, "Item 1.01. Entry into a Material Definitive Agreement", "credit agreement",
              "On November 2, 2023, the Company entered into a new " + money(size) + " five-year " +
                  syn(rng_, "credit facility") + " with a syndicate of banks. Borrowings bear interest at SOFR plus " +
                  std::to_string(spread) +
                  " basis points, and the agreement requires a maximum leverage "
                  "ratio of 3.5 to 1.");
      const std::string name = who(c);
      fact(p, key + "credit agreement", 3,
           {{"What are the terms of " + name + "'s new " + syn(rng_, "credit facility") + "?", "question"},
            {name + " " + syn(rng_, "credit facility") + " SOFR spread", "keyword"}});
    }
    {
      Filing f = newFiling(c, "8-K", "2024-03 acquisition");
      static const std::vector<std::string> targets = {"Apex Labs",          "Clearpath Systems", "Vantage Analytics",
                                                       "Bridgeport Tooling", "Helio Devices",     "Quarry Logistics"};
      const std::string target = rng_.choose(targets);
      const double price = std::round(c.baseRevenue * rng_.uniform(0.05, 0.3));
      DemoPassage& p =
          add(f, "Item 2.01. Completion of Acquisition or Disposition of Assets", "acquisition",
              "On March 8, 2024, " + c.name + " completed its " + syn(rng_, "acquisition") + " of " + target + " for " +
                  money(price) + " in cash, funded from " + syn(rng_, "cash") + " and borrowings under its " +
                  syn(rng_, "credit facility") + ". " + target + " will be reported in the " +
                  c.industry->segments[rng_.pick(3)] + " " + syn(rng_, "segment") + ".");
      const std::string name = who(c);
      fact(p, key + "acquisition", 3,
           {{"What company did " + name + " acquire in 2024 and for how much?", "question"},
            {name + " " + syn(rng_, "acquisition") + " " + target, "keyword"},
            {name + " bought " + target + ".", "claim"}});
    }
  }

  void proxyStatement(const Company& c, int year) {
    Filing f = newFiling(c, "DEF 14A", std::to_string(year));
    const std::string key = c.ticker + "|", fy = std::to_string(year - 1);
    const Figures last = figures(c, year - 1);
    const double scale = std::clamp(last.revenue / 5000, 0.3, 3.0);
    const double salary = std::round(rng_.uniform(0.8, 1.4) * 10) / 10;
    const double stock = std::round(rng_.uniform(4, 14) * scale * 10) / 10;
    const double bonus = std::round(rng_.uniform(0.8, 3.0) * 10) / 10;
    const double total = salary + stock + bonus + 0.3;
    {
      std::string table =
          c.shortName + " Summary Compensation Table (in $ millions) | Year | Salary | Bonus | Stock Awards | Total\n";
      table += c.ceo + ", " + syn(rng_, "ceo") + " | " + fy + " | " + fixed(salary, 1) + " | " + fixed(bonus, 1) +
               " | " + fixed(stock, 1) + " | " + fixed(total, 1) + "\n";
      table += c.cfo + ", " + syn(rng_, "cfo") + " | " + fy + " | " + fixed(salary * 0.6, 1) + " | " +
               fixed(bonus * 0.5, 1) + " | " + fixed(stock * 0.35, 1) + " | " +
               fixed(salary * 0.6 + bonus * 0.5 + stock * 0.35 + 0.1, 1);
      DemoPassage& p = add(f, "Executive Compensation", "executive pay", table);
      const std::string name = who(c);
      fact(p, key + "ceo pay|FY" + fy, 3,
           {{"What was the " + syn(rng_, "total pay") + " of " + name + "'s " + syn(rng_, "ceo") + " in " + fy + "?",
             "question"},
            {name + " " + syn(rng_, "ceo") + " " + syn(rng_, "total pay") + " " + fy, "keyword"},
            {c.ceo + " " + syn(rng_, "total pay"), "keyword"}});
    }
    {
      DemoPassage& p =
          add(f, "Compensation Discussion and Analysis", "pay design",
              "Compensation Discussion and Analysis. About " + percent(rng_.uniform(82, 93), 0) + " of " +
                  possessive(c) + " " + syn(rng_, "ceo") + "'s target pay is at risk. Annual bonuses are based on " +
                  syn(rng_, "revenue") + " and " + syn(rng_, "operating income") +
                  " goals, and performance share units vest on relative total "
                  "shareholder return over three years.");
      const std::string name = who(c);
      fact(p, key + "pay design|" + std::to_string(year), 3,
           {{"Which performance metrics drive " + name + "'s executive bonuses?", "question"},
            {name + " bonus metrics performance share units", "keyword"}});
    }
    {
      const double support = rng_.uniform(62, 97);
      DemoPassage& p = add(f, "Proposal 2. Advisory Vote on Executive Compensation", "say on pay",
                           "Proposal 2 asks " + c.shortName +
                               " shareholders to approve, on an advisory basis, the compensation of our "
                               "named executive officers. At last year's annual meeting, approximately " +
                               percent(support) +
                               " of votes cast supported our say-on-pay proposal. The board "
                               "recommends a vote FOR this proposal.");
      const std::string name = who(c);
      fact(p, key + "say on pay|" + std::to_string(year), 3,
           {{"What percentage of shareholders supported " + name + "'s say-on-pay vote?", "question"},
            {name + " say on pay support", "keyword"}});
    }
    {
      const double audit = std::round(rng_.uniform(2, 15) * scale * 10) / 10;
      DemoPassage& p =
          add(f, "Proposal 3. Ratification of Independent Auditor", "auditor",
              "The " + c.shortName + " audit committee appointed " + c.auditor +
                  " as our independent registered public "
                  "accounting firm. Fees for fiscal " +
                  fy + ": " + syn(rng_, "audit fees") + " " + money(audit) + "; audit-related fees " +
                  money(audit * 0.12) + "; tax fees " + money(audit * 0.08) + "; all other fees " + money(0.1) + ".");
      const std::string name = who(c);
      fact(p, key + "audit fees|FY" + fy, 3,
           {{"How much did " + name + " pay its auditor in " + fy + "?", "question"},
            {name + " " + syn(rng_, "audit fees") + " " + fy, "keyword"},
            {"Who audits " + name + "?", "question"}});
    }
    {
      const int directors = 9 + static_cast<int>(rng_.pick(5));
      DemoPassage& p =
          add(f, "Proposal 1. Election of Directors", "board",
              capitalised(possessive(c)) + " board has " + std::to_string(directors) + " " + syn(rng_, "directors") +
                  ", " + std::to_string(directors - 1) + " of whom are independent under exchange listing standards. " +
                  c.ceo + " serves as " + syn(rng_, "ceo") +
                  " and the board is led by an independent chair. "
                  "Non-employee directors receive an annual cash retainer of $" +
                  withCommas(90000 + 5000 * static_cast<long long>(rng_.pick(8))) + ".");
      const std::string name = who(c);
      fact(p, key + "board|" + std::to_string(year), 3,
           {{"How many " + syn(rng_, "directors") + " sit on " + name + "'s board and how many are independent?",
             "question"},
            {name + " board independence director retainer", "keyword"}});
    }
    shareholderProposal(c, f, year);
    {
      const int ratio = 80 + static_cast<int>(rng_.pick(300));
      const double median = std::round(rng_.uniform(45, 140)) * 1000;
      DemoPassage& p = add(
          f, "CEO Pay Ratio", "pay ratio",
          "For " + fy + ", the annual total compensation of " + possessive(c) + " median employee was $" +
              withCommas(static_cast<long long>(median)) + ", and the ratio of our " + syn(rng_, "ceo") +
              "'s annual total compensation to that of the median employee was " + std::to_string(ratio) + " to 1.");
      const std::string name = who(c);
      fact(p, key + "pay ratio|FY" + fy, 3,
           {{"What is " + name + "'s " + syn(rng_, "pay ratio") + "?", "question"},
            {name + " " + syn(rng_, "pay ratio") + " " + fy + " median employee", "keyword"}});
    }
  }

  void shareholderProposal(const Company& c, Filing& f, int year) {
    static const std::vector<std::string> topics = {"a report on climate-related lobbying",
                                                    "an independent board chair", "a report on political spending",
                                                    "simple majority voting"};
    const std::string topic = rng_.choose(topics);
    DemoPassage& p = add(f, "Proposal 4. Shareholder Proposal", "shareholder proposal",
                         "Proposal 4 is a shareholder proposal requesting " + topic + ". The " + c.shortName +
                             " board recommends a vote AGAINST it because " +
                             rng_.choose(std::vector<std::string>{"existing disclosures already address the request",
                                                                  "the current structure serves shareholders well",
                                                                  "it would impose costs without clear benefit"}) +
                             ".");
    const std::string name = who(c);
    fact(p, c.ticker + "|shareholder proposal|" + std::to_string(year), 3,
         {{"What shareholder proposal is on " + name + "'s " + std::to_string(year) + " ballot?", "question"},
          {name + " shareholder proposal board recommendation", "keyword"}});
  }

  void registrationStatement(const Company& c) {
    Filing f = newFiling(c, "S-1", "2022");
    const std::string key = c.ticker + "|";
    const double low = 14 + static_cast<double>(rng_.pick(10));
    const int shares = 10 + static_cast<int>(rng_.pick(30));
    const double mid = low + 1;
    const double proceeds = std::round(shares * mid * 0.93 * 10) / 10;
    static const std::vector<std::string> banks = {"Goldwell Brothers", "Morgan Hale & Co.", "Barrow Securities",
                                                   "Citadel Park Capital"};
    {
      DemoPassage& p =
          add(f, "The Offering", "ipo terms",
              "The Offering. " + c.name + " is offering " + std::to_string(shares) +
                  ",000,000 shares of our common stock. We currently expect the " + syn(rng_, "ipo price") +
                  " to be between $" + fixed(low, 2) + " and $" + fixed(low + 2, 2) +
                  " per share. We have applied to list our common stock on the "
                  "Nasdaq Global Select Market under the symbol \"" +
                  c.ticker + "\".");
      const std::string name = who(c);
      fact(p, key + "ipo terms", 3,
           {{"What is the expected " + syn(rng_, "ipo price") + " range for " + name + "?", "question"},
            {name + " " + syn(rng_, "ipo price") + " range shares offered", "keyword"},
            {name + " plans to list on Nasdaq.", "claim"}});
    }
    {
      DemoPassage& p = add(f, "Use of Proceeds", "use of proceeds",
                           "Use of Proceeds. " + c.shortName + " estimates that the " + syn(rng_, "proceeds") +
                               " to it will be "
                               "approximately " +
                               money(proceeds) +
                               ", based on the midpoint of the price range. We intend to use them "
                               "for working capital, expansion of our " +
                               c.industry->products[0] + " business, and to repay " + money(proceeds * 0.2) +
                               " outstanding under our term loan.");
      const std::string name = who(c);
      fact(p, key + "use of proceeds", 3,
           {{"How will " + name + " use the money raised in its IPO?", "question"},
            {name + " " + syn(rng_, "proceeds") + " use", "keyword"}});
    }
    {
      const double dilution = std::round(mid * rng_.uniform(0.6, 0.85) * 100) / 100;
      DemoPassage& p = add(f, "Dilution", "dilution",
                           "Dilution. If you invest in " + possessive(c) +
                               " common stock, your interest will be diluted. After the "
                               "offering, our pro forma net tangible book value per share would be $" +
                               fixed(mid - dilution, 2) + ", representing " + syn(rng_, "dilution") + " of $" +
                               fixed(dilution, 2) + " per share to new investors.");
      const std::string name = who(c);
      fact(p, key + "dilution", 3,
           {{"How much " + syn(rng_, "dilution") + " will new investors in " + name + "'s IPO experience?", "question"},
            {name + " IPO " + syn(rng_, "dilution") + " per share", "keyword"}});
    }
    {
      const std::string lead = rng_.choose(banks);
      DemoPassage& p =
          add(f, "Underwriting", "underwriting",
              "Underwriting. For the " + c.shortName + " offering, " + lead + " and " +
                  banks[(rng_.pick(3) + 1) % banks.size()] + " are acting as representatives of the " +
                  syn(rng_, "underwriters") + ". The underwriting discount is " + percent(rng_.uniform(5.5, 7.0)) +
                  " of the public offering price, and we have granted the " + syn(rng_, "underwriters") +
                  " a 30-day option to purchase additional shares.");
      const std::string name = who(c);
      fact(p, key + "underwriting", 3,
           {{"Who are the " + syn(rng_, "underwriters") + " of " + name + "'s IPO?", "question"},
            {name + " IPO " + syn(rng_, "underwriters") + " discount", "keyword"}});
    }
    {
      const Figures last = figures(c, 2022), prior = figures(c, 2021);
      DemoPassage& p =
          add(f, "Summary Consolidated Financial Data", "results",
              c.shortName + " Summary Financial Data (in millions) | 2022 | 2021\nRevenue | " +
                  tableMoney(last.revenue) + " | " + tableMoney(prior.revenue) + "\nNet loss | " +
                  tableMoney(last.netIncome) + " | " + tableMoney(prior.netIncome) + "\nCash and cash equivalents | " +
                  tableMoney(last.cash) + " | " + tableMoney(prior.cash));
      const std::string name = who(c);
      fact(p, key + "revenue|FY2022", 3,
           {{"What were " + name + "'s " + syn(rng_, "revenue") + " before its IPO, in 2022?", "question"}});
      fact(p, key + "net income|FY2022", 3, {{"How large was " + name + "'s net loss in 2022?", "question"}});
    }
    add(f, "Dividend Policy", "dividend policy",
        "Dividend Policy. We have never declared or paid cash dividends on our capital stock. We currently intend to "
        "retain all available funds and future earnings to fund the growth of our business.");
    add(f, "Risk Factors", "risk:ipo",
        "There has been no public market for our common stock prior to this offering, and an active trading market may "
        "not develop. The market price of our stock may be volatile and could decline below the initial public "
        "offering price.");
    add(f, "Risk Factors", "risk:egc",
        "We are an emerging growth company, and the reduced disclosure requirements applicable to emerging growth "
        "companies may make our common stock less attractive to investors.");
    {
      const double founders = rng_.uniform(18, 40);
      DemoPassage& p = add(f, "Principal Stockholders", "ownership",
                           "Principal Stockholders. After the offering, " + possessive(c) +
                               " founders and executive officers will "
                               "beneficially own approximately " +
                               percent(founders) + " of our outstanding common stock, and funds affiliated with " +
                               rng_.choose(std::vector<std::string>{"Sequoia Ridge Ventures", "Lakeview Partners",
                                                                    "Granite Growth Fund"}) +
                               " will own " + percent(rng_.uniform(8, 20)) + ".");
      const std::string name = who(c);
      fact(p, key + "ownership", 3,
           {{"Who will own " + name + " after the IPO?", "question"},
            {name + " principal stockholders founders stake", "keyword"}});
    }
    riskFactors(f, "Risk Factors", 2022);
  }

  const DemoCorpusOptions& options_;
  Rng rng_;
  std::vector<Company> companies_;
};

} // namespace

DemoFilings generateDemoFilings(const DemoCorpusOptions& options) {
  DemoWriter writer(options);
  writer.generate();
  return {std::move(writer.passages), writer.documents};
}

} // namespace distillery::corpus::demo
