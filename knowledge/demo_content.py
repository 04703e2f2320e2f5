"""Demo knowledge-base content for the two demo tenants.

Pure data, no logic. ``GYM_ENTRIES`` belongs to "Iron Temple Gym" (branches "Downtown" in Miami, FL and
"Riverside" in Austin, TX) and ``DEALERSHIP_ENTRIES`` to "Northside Motors" (branch "Main Rooftop" in Boston, MA).

Each entry is a dict with:

* ``key``: short slug, unique within its list (used by seeding and by the relevance tests),
* ``title``: the title staff and the AI agent see,
* ``category``: one of "pricing", "hours", "classes", "amenities", "policies", "services", "financing", "faq",
  "other",
* ``tags``: list of lowercase tags,
* ``branch``: ``None`` for tenant-wide entries, otherwise the exact branch name,
* ``body``: Markdown text.
"""

GYM_ENTRIES = [
    {
        "key": "membership-prices",
        "title": "Membership prices",
        "category": "pricing",
        "tags": ["membership", "pricing", "discounts"],
        "branch": None,
        "body": """## How much does a membership cost?

All plans are billed monthly and include access to both clubs (Downtown and Riverside).

- **Basic – $39.99/month**: gym floor, cardio and free weights, lockers, open hours access.
- **Premium – $59.99/month**: everything in Basic plus unlimited group classes, sauna, towel service and the
  pool at Downtown.
- **Family – $99.99/month**: Premium access for 2 adults and up to 2 children aged 12–17 living at the same
  address. Each extra child is $15.00/month.

## Student discount

Full-time students get **20% off** Basic or Premium with a valid student ID: $31.99/month for Basic and
$47.99/month for Premium. We re-check the student ID every 12 months.

## Other discounts

- Seniors 65+ and military/first responders: 15% off any plan.
- Paying 12 months up front: one month free (Basic $439.89/year, Premium $659.89/year).

Discounts cannot be combined.""",
    },
    {
        "key": "joining-fee",
        "title": "Joining fee and current promotions",
        "category": "pricing",
        "tags": ["joining fee", "promotions", "offers", "referral"],
        "branch": None,
        "body": """## Joining fee

New members pay a one-time **joining fee of $49.00** on top of the first month. It covers the key fob, a
fitness assessment and a 30-minute onboarding session with a coach.

## Current promotions

- **No joining fee in January and September**: sign up during these months and the $49.00 fee is waived.
- **Bring-a-friend referral**: when a friend you refer joins, you both get one month at half price.
- **Premium upgrade**: Basic members who upgrade within their first 60 days pay Basic price for the first
  month of Premium.

## Good to know

- Promotions apply to new memberships only, not renewals or reactivations after a cancellation.
- Only one promotion per member; staff cannot stack offers.
- Rejoining within 6 months of cancelling: no joining fee.""",
    },
    {
        "key": "day-pass",
        "title": "Day passes and visit packs",
        "category": "pricing",
        "tags": ["day pass", "drop-in", "visitors", "non-members"],
        "branch": None,
        "body": """## Day pass

Not ready to join? A **day pass costs $15.00** and gives full access for one day at either club: gym floor,
group classes (subject to space), sauna, and the pool at Downtown. Day pass price includes a towel.

- Buy at the front desk or online; bring a photo ID.
- Visitors must sign the liability waiver before training.
- Under-18 visitors need a parent or guardian present to sign.

## Visit packs

- **5-visit pack – $65.00** (valid 3 months)
- **10-visit pack – $120.00** (valid 6 months)

Visit packs are non-refundable and non-transferable. If you join within 7 days of buying a day pass, we
credit the $15.00 against your joining fee.""",
    },
    {
        "key": "personal-training",
        "title": "Personal training packages",
        "category": "pricing",
        "tags": ["personal training", "pt", "coaching", "trainer"],
        "branch": None,
        "body": """## One-on-one coaching

Every personal trainer at Iron Temple is certified (NASM, ACE or NSCA). Sessions are 60 minutes and can be
booked at either club.

## What does a personal trainer cost?

- **Single session – $65.00**
- **5-session pack – $300.00** ($60.00 per session, valid 2 months)
- **10-session pack – $550.00** ($55.00 per session, valid 4 months)
- **20-session pack – $1,000.00** ($50.00 per session, valid 6 months)
- **Partner training** (2 people, 1 trainer) – $90.00 per session

## How it works

1. Free 30-minute consultation to set goals and check movement.
2. Your trainer writes a plan and books your sessions.
3. Progress check every 4 weeks (weight, body fat, strength numbers).

Sessions cancelled with less than 24 hours notice are charged in full. Packs are available to members and
non-members; non-members also need a day pass for each visit.""",
    },
    {
        "key": "hours-downtown",
        "title": "Downtown club opening hours",
        "category": "hours",
        "tags": ["hours", "opening times", "downtown", "miami"],
        "branch": "Downtown",
        "body": """## Downtown (Miami, FL) opening hours

- **Monday–Friday:** 05:00–23:00
- **Saturday:** 07:00–20:00
- **Sunday:** 08:00–18:00

The gym floor closes 15 minutes before closing time so members can shower and change. The pool closes at
21:00 on weekdays and 1 hour before the club closes on weekends.

## Staffed hours

The front desk is staffed from 06:00 to 22:00 on weekdays and during all weekend opening hours. Outside
those times members get in with their key fob.

## Holidays

We open 08:00–14:00 on New Year's Day, Memorial Day, Independence Day, Labor Day and Thanksgiving, and we are
closed on Christmas Day. Holiday changes are posted at reception two weeks ahead.""",
    },
    {
        "key": "hours-riverside",
        "title": "Riverside club opening hours",
        "category": "hours",
        "tags": ["hours", "opening times", "riverside", "austin"],
        "branch": "Riverside",
        "body": """## Riverside (Austin, TX) opening hours

- **Monday–Friday:** 06:00–22:00
- **Saturday:** 08:00–18:00
- **Sunday:** closed

The gym floor closes 15 minutes before closing time. Childcare runs Monday–Friday 08:00–12:00 and
16:00–20:00, and Saturday 09:00–13:00.

## Staffed hours

The front desk is staffed during all opening hours at Riverside; there is no 24-hour fob access at this
club.

## Holidays

Riverside is open 08:00–14:00 on Memorial Day, Independence Day and Labor Day, and closed on New Year's Day,
Thanksgiving and Christmas Day. Members who want to train on a Sunday can use the Downtown club with the same
membership.""",
    },
    {
        "key": "class-timetable",
        "title": "Weekly group class schedule",
        "category": "classes",
        "tags": ["classes", "timetable", "schedule", "hiit", "spin", "yoga", "pilates", "boxing", "zumba"],
        "branch": None,
        "body": """## Class times (both clubs)

All classes are included in Premium and Family plans; Basic members pay $10.00 per class.

- **HIIT** (45 min): Monday, Wednesday, Friday at 06:15 and 18:30
- **Spin** (45 min): Tuesday and Thursday at 06:30 and 19:00; Saturday at 09:00
- **Yoga** (60 min, vinyasa flow): Monday and Wednesday at 12:15; Sunday at 10:00 (Downtown only)
- **Pilates** (50 min, mat): Tuesday and Thursday at 12:15; Saturday at 10:30
- **Boxing** (60 min, gloves provided): Monday and Thursday at 19:30
- **Zumba** (50 min): Wednesday at 19:00; Saturday at 11:30

## Booking

Book in the app up to 7 days ahead. Spin has 24 bikes and boxing 16 spots; other classes take 30 people.
Arrive 5 minutes early; spots are released to the waitlist 2 minutes after start. Two no-shows in a month
means a 7-day booking block.""",
    },
    {
        "key": "trial-class",
        "title": "Free trial class",
        "category": "classes",
        "tags": ["trial", "first class", "free", "new visitors"],
        "branch": None,
        "body": """## Try a class for free

Your **first group class is free**, at either club, with no obligation to join. Pick any class on the
timetable: HIIT, spin, yoga, pilates, boxing or Zumba.

## How to book

- Book at least **2 hours ahead** through the website, the app, or by calling +1 305 555 0100.
- Same-day bookings are fine as long as there is still space and the 2-hour cut-off has not passed.
- One free trial class per person (checked by phone number and photo ID).

## On the day

- Arrive 15 minutes early to sign the waiver and get a locker.
- Bring a photo ID, water bottle and training shoes; towels are provided for trial guests.
- After the class, a coach can give you a short tour and go through membership options.

If you cannot make it, please cancel at least 1 hour before so we can give the spot to someone else.""",
    },
    {
        "key": "club-tours",
        "title": "Club tours for prospective members",
        "category": "services",
        "tags": ["tour", "visit", "walkthrough", "sales"],
        "branch": None,
        "body": """## What happens on a tour

A tour of the club takes about **30 minutes** and is led by a membership advisor. We walk you through the
gym floor, free weights area, studios, locker rooms and sauna, plus the pool at Downtown or the kids' room
at Riverside.

- We ask about your goals and how often you plan to train.
- You see the class timetable and meet a coach if one is free.
- We explain the membership options and any current promotions; there is no pressure to sign up on the day.

## How to book a tour

Book a tour online or by phone at +1 305 555 0100. Tours run every day during staffed hours; the last tour
starts 1 hour before closing. Walk-ins are welcome, but booked tours get priority at busy times (weekdays
17:00–19:00).

Feel free to bring your gym clothes: you can train for free right after the tour on the same day.""",
    },
    {
        "key": "amenities",
        "title": "Amenities and facilities",
        "category": "amenities",
        "tags": ["amenities", "pool", "sauna", "lockers", "towels", "parking", "childcare"],
        "branch": None,
        "body": """## At both clubs

- **Sauna**: dry sauna in each locker room, included in Premium and Family plans.
- **Lockers**: free day-use lockers (bring your own padlock); permanent lockers rent for $12.00/month.
- **Towel service**: fresh towels included in Premium and Family; Basic members pay $2.00 per towel.
- **Parking**: free parking for members – 2 hours in the Downtown garage (validate at reception) and an open
  lot at Riverside.
- Free Wi-Fi, filtered water stations and a smoothie bar.

## Downtown only

- **Pool**: 25-meter indoor lap pool with 4 lanes; lane booking needed 06:00–09:00.

## Riverside only

- **Childcare**: supervised kids' room for ages 6 months to 10 years, $5.00 per visit or $25.00/month,
  up to 2 hours per visit while the parent is in the club.

There is no pool at Riverside and no childcare at Downtown.""",
    },
    {
        "key": "cancellation-freeze",
        "title": "Cancelling or freezing a membership",
        "category": "policies",
        "tags": ["cancellation", "freeze", "pause", "contract"],
        "branch": None,
        "body": """## Cancel your membership

- Give **30 days notice** in writing (email, the app, or a form at reception).
- Your last payment is taken during the notice period; access continues until the notice ends.
- No cancellation fee on monthly plans. Annual plans paid up front are not refunded, except for medical
  reasons with a doctor's note or a move of more than 25 miles from both clubs.

## Freeze your membership

- Freeze for **1 to 3 months** per 12-month period.
- A freeze costs **$10.00 per month** instead of your normal monthly fee.
- Request it at least 7 days before your next billing date.
- Medical freezes (with a doctor's note) are free and can last up to 6 months.

Your price is locked in while frozen, and billing restarts automatically at the end of the freeze.""",
    },
    {
        "key": "guest-policy",
        "title": "Guest policy",
        "category": "policies",
        "tags": ["guests", "friends", "visitors", "premium"],
        "branch": None,
        "body": """## Bring a friend

Want to bring a friend to the gym? Members can bring guests as follows:

- **Premium and Family members**: 2 free guest visits per month.
- **Basic members**: guests pay $10.00 per visit (half the usual day pass price).
- Each guest can visit as a guest up to 4 times per calendar year; after that they need a day pass or a
  membership.

## Rules for guests

- The member must arrive and stay with the guest.
- Guests must be 16 or older, show a photo ID and sign the waiver at reception.
- Guests can join group classes only if there is space at start time.
- The member is responsible for the guest's behaviour in the club.

Guest visits are not available 17:00–19:00 on weekdays at Downtown, our busiest time.""",
    },
    {
        "key": "age-policy",
        "title": "Age requirements",
        "category": "policies",
        "tags": ["age", "teens", "minors", "kids"],
        "branch": None,
        "body": """## Minimum age

- **18 and over**: can join on their own on any plan.
- **16–17**: can join with a parent or guardian's signature and train on their own.
- **12–15**: can join only on a Family plan or with a parent who is also a member, and must train with that
  parent in the club. Teens in this group can take spin, Zumba and yoga classes but not boxing or HIIT.
- **Under 12**: not allowed on the gym floor, in the sauna or in classes.

## Pool and childcare

- Children under 14 must be with an adult in the Downtown pool at all times.
- The Riverside childcare room takes kids aged 6 months to 10 years.

Staff may ask for photo ID or a birth certificate to check age at sign-up.""",
    },
    {
        "key": "what-to-bring",
        "title": "What to bring on your first visit",
        "category": "faq",
        "tags": ["faq", "first visit", "checklist", "new members"],
        "branch": None,
        "body": """## Checklist

- **Photo ID** (driver's license or passport) for the waiver and key fob.
- **Training shoes**: closed-toe shoes are required on the gym floor; no sandals.
- **Comfortable workout clothes**: shirts must cover the torso.
- **Water bottle**: refill stations are free at both clubs.
- **Padlock** for a day-use locker (or buy one at reception for $8.00).
- **Towel** if you are on Basic; Premium and Family members get towels at the desk.
- **Swimsuit and cap** if you plan to use the Downtown pool.
- **Boxing**: gloves are provided, but bring your own hand wraps ($9.00 at reception).

## Tips

Eat something light 1–2 hours before training, and plan to arrive 15 minutes early on your first visit so
staff can set up your fob and show you around.""",
    },
]

DEALERSHIP_ENTRIES = [
    {
        "key": "service-menu",
        "title": "Service menu and prices",
        "category": "pricing",
        "tags": ["service", "oil change", "tires", "brakes", "pricing"],
        "branch": None,
        "body": """## Maintenance prices

Prices include labor and shop supplies; tax is extra.

- **Synthetic oil change – $89.95**: up to 5 quarts full synthetic, new filter, fluid top-off and a
  multi-point inspection.
- **Conventional oil change – $49.95** (older models only).
- **Tire rotation – $29.95**, or free with any oil change.
- **Tire rotation and balance – $79.95**.
- **Wheel alignment – $119.95**.

## Brake service

- **Brake pads – $249.95 per axle** (pads, hardware, caliper lube, road test).
- **Brake pads and rotors – $449.95 per axle**.
- **Brake fluid flush – $129.95**.

## Other

- Cabin air filter – $49.95; engine air filter – $39.95.
- Battery test – free; battery replacement from $189.95.

Heavy-duty trucks and performance models may cost more; your advisor will quote before any work starts.""",
    },
    {
        "key": "mileage-services",
        "title": "30k, 60k and 90k mile maintenance",
        "category": "services",
        "tags": ["maintenance", "scheduled service", "30k", "60k", "90k"],
        "branch": None,
        "body": """## Scheduled maintenance packages

Following the factory schedule keeps your warranty valid and your car running well.

## 30k mile service – $399.95

Synthetic oil change, tire rotation, cabin and engine air filters, brake inspection, fluid check and a
battery test.

## 60k mile service – $649.95

Everything in the 30k service plus brake fluid flush, spark plugs (4-cylinder), coolant check and a
full multi-point inspection with a written report.

## 90k mile service – $899.95

Everything in the 60k service plus transmission fluid service, coolant flush and drive belt
replacement where due.

## Good to know

- 6-cylinder and V8 engines add $80.00 for spark plugs.
- Each package takes 2–4 hours, so it qualifies for a free loaner car.
- We stamp your maintenance record and keep a digital copy on file.""",
    },
    {
        "key": "service-hours",
        "title": "Service lane hours and key drop-off",
        "category": "hours",
        "tags": ["service", "hours", "drop-off", "key box", "after hours"],
        "branch": "Main Rooftop",
        "body": """## Service lane hours

- **Monday–Friday:** 07:30–17:00
- **Saturday:** 08:00–12:00
- **Sunday:** closed

Cars dropped off before 09:00 are usually ready the same day. Saturday is for oil changes, tire work and
recalls only.

## Early bird and after-hours drop-off

Can't come during opening hours? Use the **after-hours key box** by the service lane door:

1. Park in the spots marked "Service Drop-off".
2. Fill in the envelope with your name, phone, mileage and the work you need.
3. Put your keys in the envelope and drop it in the key box.

The key box is emptied at 07:30 and an advisor calls you by 09:00 to confirm the work. Please do not leave
valuables in the car. Pick-up after closing is not possible; call +1 617 555 0100 to arrange a time.""",
    },
    {
        "key": "sales-hours",
        "title": "Showroom and sales hours",
        "category": "hours",
        "tags": ["sales", "showroom", "hours"],
        "branch": "Main Rooftop",
        "body": """## Showroom hours

- **Monday–Friday:** 08:00–19:00
- **Saturday:** 09:00–17:00
- **Sunday:** closed – the showroom is not open on Sundays, but you can browse our inventory online any time

## Visiting the showroom

- Sales consultants are on the floor during all showroom hours; booking ahead means your chosen car is
  washed, charged and waiting.
- Vehicle deliveries are scheduled up to 1 hour before closing so we have time to set up your phone and
  go through the features.
- The finance office closes 30 minutes after the showroom on weekdays to finish paperwork.

Call +1 617 555 0100 to book an appointment with a sales consultant.""",
    },
    {
        "key": "loaner-car-policy",
        "title": "Loaner car policy",
        "category": "policies",
        "tags": ["loaner", "courtesy car", "service", "rental"],
        "branch": None,
        "body": """## "Can I get a free car while mine is serviced?"

Yes. If your service is expected to take **more than 2 hours**, we lend you a late-model car for free so you can
get on with your day. For shorter jobs, wait in the lounge or use the shuttle.

## Requirements

- Driver must be **21 or older**.
- A **valid driver's license** and **proof of insurance** (card or app) at the desk.
- A credit card on file for tolls, tickets and damage (no hold is placed).

## Rules

- Return the car with the **same fuel level**; we charge $7.50 per gallon otherwise.
- No smoking or pets; a $250.00 cleaning fee applies.
- Return the loaner within 1 business day after we tell you your car is ready.
- Massachusetts and neighboring states only.

Loaners are limited, so reserve one when you book service by calling +1 617 555 0100.""",
    },
    {
        "key": "shuttle-service",
        "title": "Courtesy shuttle",
        "category": "services",
        "tags": ["shuttle", "ride", "service", "transport"],
        "branch": None,
        "body": """## Free shuttle ride

While your car is in for service, our courtesy shuttle can give you a free ride to home, work or the T
anywhere within a **10-mile radius** of the dealership.

- Runs Monday–Friday 08:00–16:00; no shuttle on Saturday.
- Drop-off rides leave every 30 minutes from the service lane.
- Pick-up rides back to the dealership: call +1 617 555 0100 at least 1 hour ahead.
- Up to 3 passengers per ride; child seats available on request.

## Outside the radius

If you live or work more than 10 miles away, we can book a rideshare at a flat $15.00 each way, or you can
ask for a loaner car if the service takes more than 2 hours.""",
    },
    {
        "key": "recall-policy",
        "title": "Safety recalls",
        "category": "services",
        "tags": ["recall", "safety", "campaign", "free"],
        "branch": None,
        "body": """## Recalls are always free

Safety recall repairs are paid by the manufacturer, so they never cost you anything – parts and labor are
covered, even if you bought the car elsewhere or are not the first owner.

## How long does a recall take?

Most recall repairs take **1–3 hours**. You can wait in the lounge, use the shuttle, or get a loaner if the
work will take over 2 hours.

## Parts availability

- We check parts availability when you book. If parts are on back order, we put you on a waiting list and
  call you as soon as they arrive, usually within 2–6 weeks.
- If the recall notice says the car is unsafe to drive, we arrange a free tow and a loaner until it is
  fixed.

## Check for open recalls

Give us your VIN (17 characters, on the windshield or registration) and we will look it up while you are on
the phone.""",
    },
    {
        "key": "financing-basics",
        "title": "Financing options and rates",
        "category": "financing",
        "tags": ["financing", "apr", "credit", "loan", "pre-approval"],
        "branch": None,
        "body": """## Interest rate by credit tier

Our lenders set the APR (interest rate) from your credit score. Typical ranges today:

- **Excellent (720+):** 4.9%–6.9% APR
- **Good (660–719):** 7.0%–9.9% APR
- **Fair (600–659):** 10.0%–14.9% APR
- **Bad credit or no credit (below 600):** 15.0%–21.9% APR; a larger down payment helps approval.

## Terms and down payment

- Loan terms of **36, 48, 60 or 72 months**.
- We recommend **10%–20% down**; $0 down is possible for top-tier credit.
- Example: $30,000 financed over 60 months at 6.9% APR is about $593 per month.

## Pre-approval with a soft pull

Apply online for pre-approval in about 5 minutes. We use a **soft credit pull**, which does not affect your
credit score; a hard pull only happens when you choose a lender and sign.""",
    },
    {
        "key": "lease-vs-buy",
        "title": "Leasing versus buying",
        "category": "financing",
        "tags": ["lease", "buy", "financing", "comparison"],
        "branch": None,
        "body": """## Should I lease or buy?

## Leasing

- Lower monthly payment, usually 30%–40% less than a loan on the same car.
- Terms of 24, 36 or 39 months; a new car every few years.
- Mileage limits of 10,000, 12,000 or 15,000 miles per year; extra miles cost $0.25 each.
- Due at signing: first month, acquisition fee ($695.00) and registration.
- Wear and tear beyond normal use is charged at lease end.

## Buying

- You own the car once the loan is paid off, with no mileage limits.
- Customize it any way you like and keep it as long as you want.
- Higher monthly payment, but the car keeps trade-in value.

## Quick rule

Lease if you drive under 12,000 miles a year and like a new car every three years. Buy if you drive a lot
or keep cars for 6+ years. A finance manager can price both for the same car.""",
    },
    {
        "key": "trade-in",
        "title": "Trade-in appraisal",
        "category": "services",
        "tags": ["trade-in", "appraisal", "used car", "value"],
        "branch": None,
        "body": """## What is my trade worth?

We give a free, no-obligation trade-in appraisal in about **20 minutes**. A used car manager inspects the
car, takes a short drive, and checks market data and the vehicle history report.

## What affects the value

- Mileage, condition of body and interior, tires and brakes.
- Service records (bring them – they can add value).
- Accidents on the history report and any warning lights.

## What to bring

- Title or loan payoff details, registration and photo ID.
- All keys and remotes (missing keys reduce the offer by about $250.00).

## The offer

Our written offer is valid for **7 days or 250 miles**. You can use it toward any car on our lot, or sell us
the car outright without buying. If you still owe money on it, we pay off the loan and apply any positive
equity to your deal.""",
    },
    {
        "key": "test-drive",
        "title": "Test drive policy",
        "category": "policies",
        "tags": ["test drive", "sales", "appointment"],
        "branch": None,
        "body": """## Before your test drive

- Bring a **valid driver's license**; we scan it and keep a copy during the drive.
- Drivers must be 18 or older; proof of insurance is recommended.
- A sales consultant rides along on standard test drives.

## How long is it?

A standard test drive lasts about **30 minutes** on a set route with city streets and a stretch of I-90. An
extended 24-hour test drive is possible for serious buyers with approved credit.

## Appointment recommended

Walk-ins are welcome, but an appointment is recommended so the car you want is charged, fueled and ready.
Book by phone at +1 617 555 0100 or online.

Test drives start up to 1 hour before the showroom closes.""",
    },
    {
        "key": "warranty-coverage",
        "title": "Factory warranty coverage",
        "category": "policies",
        "tags": ["warranty", "powertrain", "bumper to bumper", "coverage"],
        "branch": None,
        "body": """## New vehicle warranty

- **Powertrain: 5 years or 60,000 miles**, whichever comes first. Covers engine, transmission, drive shafts
  and axles.
- **Basic (bumper to bumper): 3 years or 36,000 miles**. Covers most parts except wear items.
- **Corrosion (rust-through): 6 years, unlimited miles**.
- **Roadside assistance: 3 years or 36,000 miles**.

## Not covered

Wear items like brake pads, wipers, tires and filters, damage from accidents or neglect, and routine
maintenance.

## Certified pre-owned

CPO cars get the powertrain warranty extended to 7 years or 100,000 miles from the original sale date, plus
a 12-month/12,000-mile comprehensive warranty.

## Extended warranty

Extended service contracts are available for up to 8 years or 120,000 miles; ask a finance manager for a
quote. Keep your service records – they are needed for warranty claims.""",
    },
    {
        "key": "tire-warranty",
        "title": "Tire warranty and road hazard protection",
        "category": "policies",
        "tags": ["tires", "warranty", "road hazard"],
        "branch": None,
        "body": """## Manufacturer tire warranty

New tires bought from us carry the tire maker's treadwear warranty, typically **40,000–80,000 miles**
depending on the model, prorated by tread depth used.

## Road hazard protection – $19.95 per tire

- Covers potholes, nails, glass and other road damage for **3 years or until 2/32" tread**.
- Free flat repair; if a tire cannot be repaired, we replace it (100% covered in year one, then prorated).
- Mounting and balancing of the replacement are included.

## To keep the warranty valid

- Rotate tires every 5,000–7,500 miles (tire rotation is free with any oil change).
- Keep your receipts; we also keep them on file.

Damage from racing, curbs at speed or wrong inflation is not covered.""",
    },
    {
        "key": "state-inspection",
        "title": "Massachusetts state inspection",
        "category": "services",
        "tags": ["inspection", "sticker", "emissions", "massachusetts"],
        "branch": None,
        "body": """## Annual state inspection

Every car registered in Massachusetts needs a safety and emissions inspection each year. We are a licensed
inspection station.

- **Price: $35.00** (set by the state).
- Takes about **20 minutes**; no appointment needed during service lane hours.
- Bring your registration; the car must be registered in Massachusetts.

## Your sticker

A passed car gets a new sticker on the windshield, valid until the end of the month shown. New cars get 7
days after registration to pass their first inspection.

## If the car fails

You get a rejection sticker and have **60 days** to fix the problem. One free re-test within those 60 days
at the same station. Common fails: check engine light, worn tires, brakes and lights – we can quote the
repair on the spot.""",
    },
    {
        "key": "service-faq",
        "title": "Service department FAQ",
        "category": "faq",
        "tags": ["faq", "service", "payment", "wait time"],
        "branch": None,
        "body": """## How long does an oil change take?

About **45–60 minutes** with an appointment. Walk-ins can take up to 2 hours on busy mornings.

## Can I wait at the dealership?

Yes. The customer lounge has Wi-Fi, coffee, a kids' corner and work desks with power outlets.

## Which payment methods do you accept?

You can pay with cash, debit card, any major credit card (Visa, Mastercard, American Express, Discover),
Apple Pay or Google Pay. Personal checks are accepted with a photo ID. We do not take checks for amounts
over $2,500.00.

## Do you offer service financing?

Yes, repairs over $500.00 can be paid over 6 months at 0% with approved credit.

## Do I need an appointment?

Recommended for everything except state inspections. Book online or call +1 617 555 0100.""",
    },
    {
        "key": "location-parking",
        "title": "Location, directions and parking",
        "category": "other",
        "tags": ["location", "address", "parking", "directions"],
        "branch": "Main Rooftop",
        "body": """## Where we are

Northside Motors, **400 Commonwealth Ave, Boston, MA**. We are a 5-minute walk from the Green Line (B branch)
and just off Storrow Drive.

## Where to park

- **Customer parking**: free, in the lot in front of the showroom (spots marked "Customer").
- **Service customers**: drive straight into the service lane entrance on the right side of the building;
  do not park in the lane.
- **Rooftop lot**: our new and used inventory lives on the roof – take the ramp at the back of the
  building, and a consultant will meet you there.
- On-street parking is metered until 20:00; we do not validate meters.

## Accessibility

The showroom, lounge and restrooms are wheelchair accessible, and two accessible spots are next to the
main entrance. Call +1 617 555 0100 if you need help getting here.""",
    },
]
