#include "core/corpus/demo/Industries.h"

namespace distillery::corpus::demo {

const std::vector<Industry>& industries() {
  static const std::vector<Industry> list = {
      {
          .nameSuffix = "Semiconductor, Inc.",
          .description = "designs and sells graphics processors, networking chips and embedded controllers",
          .products = {"GPUs", "network interface controllers", "automotive microcontrollers"},
          .segments = {"Data Center", "Gaming", "Automotive"},
          .customers = "cloud providers and PC makers",
          .inputs = "silicon wafers from third-party foundries",
          .risks = {{.topic = "foundry",
                     .sentence = "We rely on a limited number of third-party foundries to manufacture our wafers, and "
                                 "any capacity shortfall or disruption at those foundries could delay shipments."},
                    {.topic = "export",
                     .sentence = "Export controls on advanced computing products to certain countries could restrict "
                                 "our ability to sell our highest-performing chips."}},
          .revenueLowMillions = 4000,
          .revenueHighMillions = 30000,
          .grossMarginPercent = 62,
          .rndShareOfRevenue = 0.22,
      },
      {
          .nameSuffix = "Retail Holdings Corp.",
          .description = "operates discount department stores and an e-commerce marketplace",
          .products = {"apparel", "home goods", "groceries"},
          .segments = {"Stores", "Digital", "Wholesale"},
          .customers = "value-focused households",
          .inputs = "merchandise sourced from vendors in Asia",
          .risks = {{.topic = "consumer",
                     .sentence = "Weak consumer spending, particularly among lower-income households, could reduce "
                                 "store traffic and comparable sales."},
                    {.topic = "shrink",
                     .sentence = "Rising inventory shrink from organized retail theft could pressure our margins."}},
          .revenueLowMillions = 8000,
          .revenueHighMillions = 60000,
          .grossMarginPercent = 31,
          .rndShareOfRevenue = 0.0,
      },
      {
          .nameSuffix = "Therapeutics, Inc.",
          .description = "develops antibody therapies for oncology and rare immune disorders",
          .products = {"a monoclonal antibody for lymphoma", "a gene therapy candidate", "an oral kinase inhibitor"},
          .segments = {"Oncology", "Immunology", "Collaborations"},
          .customers = "hospitals and specialty pharmacies",
          .inputs = "biologic raw materials",
          .risks = {{.topic = "clinical",
                     .sentence = "Our product candidates may fail in clinical trials or show safety signals that delay "
                                 "or prevent regulatory approval."},
                    {.topic = "fda",
                     .sentence = "The FDA may not approve our biologics license applications on the timeline we "
                                 "expect, or at all."}},
          .revenueLowMillions = 300,
          .revenueHighMillions = 6000,
          .grossMarginPercent = 78,
          .rndShareOfRevenue = 0.45,
      },
      {
          .nameSuffix = "Software, Inc.",
          .description = "provides cloud software for finance teams, including billing, planning and payroll",
          .products = {"subscription billing software", "financial planning tools", "payroll services"},
          .segments = {"Subscription", "Professional Services", "Payments"},
          .customers = "mid-market and enterprise companies",
          .inputs = "third-party data center capacity",
          .risks = {{.topic = "churn",
                     .sentence = "If customers do not renew their subscriptions or reduce the number of seats, our "
                                 "revenue growth would slow."},
                    {.topic = "ai",
                     .sentence = "Competitors embedding generative AI features could erode demand for our products."}},
          .revenueLowMillions = 500,
          .revenueHighMillions = 9000,
          .grossMarginPercent = 74,
          .rndShareOfRevenue = 0.28,
      },
      {
          .nameSuffix = "Bancorp",
          .description = "is a bank holding company offering commercial lending, deposits and wealth management",
          .products = {"commercial real estate loans", "deposit accounts", "wealth management services"},
          .segments = {"Commercial Banking", "Consumer Banking", "Wealth Management"},
          .customers = "small businesses and households",
          .inputs = "deposit funding",
          .risks = {{.topic = "credit",
                     .sentence = "Deterioration in commercial real estate values could increase our credit losses and "
                                 "require higher allowances."},
                    {.topic = "deposits",
                     .sentence = "Deposit outflows to higher-yielding alternatives could raise our funding costs."}},
          .revenueLowMillions = 1000,
          .revenueHighMillions = 12000,
          .grossMarginPercent = 60,
          .rndShareOfRevenue = 0.0,
      },
      {
          .nameSuffix = "Energy Partners, Inc.",
          .description = "produces natural gas and operates pipelines and a renewable power portfolio",
          .products = {"natural gas", "pipeline transportation", "wind and solar power"},
          .segments = {"Upstream", "Midstream", "Renewables"},
          .customers = "utilities and industrial users",
          .inputs = "drilling services and steel pipe",
          .risks = {{.topic = "commodity",
                     .sentence =
                         "Volatile natural gas and oil prices could reduce our revenue and the value of our reserves."},
                    {.topic = "climate",
                     .sentence =
                         "Climate regulation, including methane emission rules, could increase our compliance costs."}},
          .revenueLowMillions = 2000,
          .revenueHighMillions = 25000,
          .grossMarginPercent = 38,
          .rndShareOfRevenue = 0.01,
      },
      {
          .nameSuffix = "Industries Inc.",
          .description = "manufactures industrial pumps, valves and flow-control systems",
          .products = {"centrifugal pumps", "control valves", "flow meters"},
          .segments = {"Flow Control", "Aftermarket", "Water Solutions"},
          .customers = "chemical plants, water utilities and refineries",
          .inputs = "steel castings and electronic components",
          .risks = {{.topic = "materials",
                     .sentence = "Higher prices for steel and other raw materials could reduce our margins if we "
                                 "cannot pass them on to customers."},
                    {.topic = "cyclical",
                     .sentence =
                         "Demand from industrial customers is cyclical and falls when capital spending slows."}},
          .revenueLowMillions = 1500,
          .revenueHighMillions = 15000,
          .grossMarginPercent = 36,
          .rndShareOfRevenue = 0.03,
      },
      {
          .nameSuffix = "Medical Systems Inc.",
          .description = "makes imaging systems, surgical robots and patient monitoring devices",
          .products = {"MRI scanners", "surgical robots", "patient monitors"},
          .segments = {"Imaging", "Surgical", "Monitoring"},
          .customers = "hospitals and ambulatory surgery centers",
          .inputs = "specialized electronic components",
          .risks = {{.topic = "recall",
                     .sentence = "Product defects could lead to recalls, field corrections and liability claims."},
                    {.topic = "reimbursement",
                     .sentence =
                         "Changes in Medicare reimbursement rates could reduce hospital purchases of our systems."}},
          .revenueLowMillions = 1000,
          .revenueHighMillions = 20000,
          .grossMarginPercent = 58,
          .rndShareOfRevenue = 0.09,
      },
      {
          .nameSuffix = "Airlines Group",
          .description = "operates a passenger airline and a cargo business",
          .products = {"passenger flights", "air cargo", "loyalty program"},
          .segments = {"Passenger", "Cargo", "Loyalty"},
          .customers = "leisure and business travelers",
          .inputs = "jet fuel",
          .risks = {{.topic = "fuel",
                     .sentence = "Jet fuel is our largest variable cost, and a sharp rise in fuel prices would reduce "
                                 "our operating margin."},
                    {.topic = "labor",
                     .sentence = "Collective bargaining with our pilots' union could raise labor costs or lead to work "
                                 "disruptions."}},
          .revenueLowMillions = 5000,
          .revenueHighMillions = 40000,
          .grossMarginPercent = 22,
          .rndShareOfRevenue = 0.0,
      },
      {
          .nameSuffix = "Brands Co.",
          .description = "sells packaged foods, beverages and personal care products",
          .products = {"snacks", "sports drinks", "skin care products"},
          .segments = {"Foods", "Beverages", "Personal Care"},
          .customers = "grocery chains and mass merchants",
          .inputs = "agricultural commodities and packaging",
          .risks =
              {{.topic = "commodity",
                .sentence =
                    "Inflation in agricultural commodities, packaging and freight could compress our gross margin."},
               {.topic = "retailer",
                .sentence = "Our largest retail customer accounts for a significant share of sales, and losing it "
                            "would hurt results."}},
          .revenueLowMillions = 2000,
          .revenueHighMillions = 30000,
          .grossMarginPercent = 40,
          .rndShareOfRevenue = 0.02,
      },
  };
  return list;
}

} // namespace distillery::corpus::demo
