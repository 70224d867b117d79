"""Generic benign text, written by hand in session 3 (round 2) (training data): ordinary business and consumer text that
has nothing to do with a support desk — the kind of document an agent reads through a tool (a shared file, a
web page, a calendar, an inbox) — in English and 14 other languages. The round-1 model flagged texts of
these kinds (meeting notes, agendas, project plans, CSV files, calendar entries, reviews, web pages) because
the benign side of its corpus was almost all support mail.

It deliberately includes the imperative-looking benign kinds: to-do lists and checklists written by people for
people, runbooks with imperative steps, password-reset mails and security notices. The same ordinary tasks
addressed to an AI assistant inside a document are injections (``seeds_imperative_attacks``): the addressee
and the context decide, not the task.

Families (``gb_*``; every one is "hard" for the threshold calibration):

- ``gb_meeting``: meeting notes, minutes, agendas;            - ``gb_project``: project plans, status reports;
- ``gb_calendar``: calendar invitations and entries;          - ``gb_data``: CSV/TSV snippets, JSON/YAML/INI configs;
- ``gb_review``: product, hotel and restaurant reviews;       - ``gb_web``: about pages, FAQs, privacy/cookie text;
- ``gb_newsletter``: newsletters and announcements;           - ``gb_hr_policy``: HR and policy documents;
- ``gb_commerce``: invoices, receipts, shipping notices;      - ``gb_release_notes``: app release notes, changelogs;
- ``gb_forum``: forum posts and replies;                     - ``gb_recipe``: recipes;
- ``gb_travel``: itineraries and bookings;                   - ``gb_todo_human``: to-do lists and checklists;
- ``gb_runbook``: runbooks and how-tos with imperative steps; - ``gb_security_notice``: password resets, alerts;
- ``gb_multilingual``: all of the above kinds in de, fr, es, it, pt, nl, sv, pl, tr, ru, uk, zh, ja, ko, ar.

``package_docs()`` adds prose paragraphs mined from the documentation shipped inside the virtualenv
(``doc_package``): the ``METADATA`` long descriptions and ``README*`` files of the packages in ``DOC_PACKAGES``
(general-purpose libraries only — nothing about LLMs or prompts: no langchain*, langgraph*, langsmith, openai,
anthropic, llm*, transformers, garak, pyrit), split into paragraphs, code blocks and tables dropped,
40–700 characters, sampled with a fixed seed and capped at ``DOC_CAP``.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

GENERIC_BENIGN: dict[str, list[str]] = {
    "gb_meeting": [
        "Minutes — Marketing weekly, 14 May. Present: Ana, Ben, Chloé, Dev. 1) Spring campaign: CTR 2.4%, above target. 2) Website refresh slips to June. Actions: Ben to send the revised timeline; Chloé to brief the agency.",
        "Agenda for Thursday's board meeting:\n1. Approval of the minutes of 12 March\n2. CFO report: Q1 results\n3. Office lease renewal\n4. Any other business",
        "Notes from the retro (sprint 42)\nWhat went well: release on time, fewer flaky tests.\nWhat didn't: on-call handover was messy.\nActions: Mia writes a handover template; Tom books a session on alert tuning.",
        "Meeting notes 03/02 — Facilities. The heating in the east wing will be serviced on Saturday. Please take plants off the windowsills on Friday evening. Next meeting in two weeks.",
        "Minutes of the annual general meeting of the Riverside Allotment Society. The treasurer reported a surplus of £412. The committee was re-elected unopposed. Plot fees stay at £35 for next year.",
        "1:1 Sarah / Mike\n- Mike wants more ownership of the reporting pipeline\n- Sarah suggested he lead the migration to the new warehouse\n- Follow up: Mike drafts a plan by the 20th; Sarah reviews it",
        "Kick-off call summary: scope agreed (phase 1 = web shop, phase 2 = mobile app). Budget approved at 180k. Weekly status every Tuesday at 9:30. Risks: payment provider contract not yet signed.",
        "Agenda — Parent-teacher association, 6 pm, school library\n• Welcome and introductions\n• Summer fair: volunteers needed\n• New playground equipment quote\n• Date of next meeting",
        "Design review notes: the team agreed to drop the dark-mode toggle from the first release. Open question: do we keep the old icon set? Decision deferred to next week; Priya will mock up both options.",
        "Standup 9:15 — Alex: finished the invoice export, starting on filters. Jo: blocked on API keys from the vendor. Sam: out this afternoon. No other blockers.",
        "Minutes, Safety committee, 2 October. Two near-miss reports in the warehouse (forklift, loading bay). Actions: re-paint floor markings by end of month; refresher training for all drivers.",
        "Quarterly planning workshop — outcomes\nObjectives: reduce churn to 3%, launch in Austria, hire two engineers.\nOwners: churn (Lena), Austria (Marc), hiring (Ines).\nReview date: 30 June.",
        "Notes: call with the landlord. He agreed to fix the leaking roof before the rainy season and to cap the rent increase at 3%. Written confirmation to follow by email.",
        "Book club — March meeting notes. We discussed 'The Remains of the Day'. Most of us loved the ending, Paul didn't. Next month: 'Klara and the Sun', hosted by Judith.",
        "All-hands recap: revenue up 12% year on year; new parental leave policy starts in July; the Lisbon office opens in September. Slides are in the shared drive under /all-hands/2025-q2.",
        "Minutes of the steering group: the vendor presented the migration plan; the group asked for a rollback plan before sign-off. Decision: go/no-go on 18 April.",
        "Agenda item 4 — Budget. Proposed: increase the events budget by 5k, cut print advertising by the same amount. Vote: 6 in favour, 1 abstention. Carried.",
        "Interview debrief — candidate for the data analyst role. Strong SQL, good communication, limited experience with dashboards. Recommendation: hire, with mentoring in the first quarter.",
    ],
    "gb_project": [
        "Project status — CRM migration (week 7). Overall: amber. Done: data mapping, test import of 10k contacts. Next: user acceptance testing. Risk: the sales team has not yet nominated testers.",
        "Project plan: Office move\nPhase 1 (Jan): choose the site, sign the lease\nPhase 2 (Feb–Mar): fit-out, IT cabling\nPhase 3 (Apr): move, decommission the old office\nBudget: 240k, contingency 10%",
        "Weekly status report, Website redesign. Completed: homepage wireframes, content audit. In progress: product page templates. Upcoming: accessibility review. No budget issues.",
        "Milestones:\nM1 requirements signed off — 15 Mar (done)\nM2 prototype demo — 12 Apr (on track)\nM3 pilot with 3 stores — 30 May (at risk: hardware delivery)\nM4 rollout — 1 Jul",
        "RACI for the onboarding redesign: Responsible — HR ops; Accountable — Head of People; Consulted — IT, Legal; Informed — all managers.",
        "Risk register excerpt: R-07 Key developer leaves (likelihood medium, impact high) — mitigation: pair programming, documentation. R-08 Supplier delay (medium/medium) — mitigation: second supplier quoted.",
        "Status: green. The warehouse scanner rollout reached 4 of 6 sites. Training completion is 92%. The remaining two sites go live after the stock-take on 9 June.",
        "Project charter — Customer portal v2. Goal: let customers download invoices and change their plan themselves. Out of scope: payments. Sponsor: COO. Target launch: Q3.",
        "Gantt summary: design (2 weeks) → build (6 weeks) → test (2 weeks) → launch. Dependencies: brand guidelines must be final before design starts.",
        "Lessons learned from the ERP upgrade: start data cleansing earlier, freeze requirements before vendor selection, and keep a single owner for cut-over decisions.",
        "Sprint goal: customers can export their order history as CSV. Stories: export button (3 pts), background job (5 pts), email when ready (2 pts).",
        "Monthly report — Community garden project. Beds built: 24. Volunteers: 31 active. Grant spent: 62%. Next month: irrigation system and the opening event.",
        "Change request CR-112: move the go-live from 3 to 17 March because the payment provider needs two more weeks for certification. Impact: none on budget; marketing dates shift.",
        "Roadmap 2026 (draft): H1 — mobile app redesign, SSO for business customers; H2 — offline mode, new reporting module. Subject to budget approval in December.",
    ],
    "gb_calendar": [
        "Invitation: Quarterly business review\nWhen: Wed 12 June, 14:00–15:30 (CET)\nWhere: Room Atlas / video link in description\nOrganiser: lena.fischer@northwind.example\nPlease review the attached deck beforehand.",
        "Event: Dentist — Dr. Okafor. Fri 9:40. Bring insurance card. Reminder 1 day before.",
        "Accepted: Team lunch @ Luigi's, Thursday 12:30–13:30. 8 guests. Note: Pietro is vegetarian.",
        "Calendar entry: School pick-up (Mon/Wed), 15:15. Recurring weekly until 19 July.",
        "Updated invitation: Product demo moved from Tuesday to Wednesday 10:00–11:00. Same link. Agenda: new dashboard, Q&A.",
        "Meeting request from Daniel Ortiz: 'Budget 2026 – first pass'. Proposed times: Mon 11:00, Tue 16:00. Duration 45 min. Optional: finance team.",
        "BEGIN:VEVENT\nSUMMARY:Flight to Madrid IB3167\nDTSTART:20250614T071500Z\nDTEND:20250614T094000Z\nLOCATION:LHR Terminal 5\nEND:VEVENT",
        "Out of office: Maria (annual leave) 4–15 August. Backup for approvals: Kofi.",
        "Reminder: Fire drill tomorrow at 11:00. When the alarm sounds, leave by the nearest exit and meet at assembly point B.",
        "Invitation: Farewell drinks for Hannah 🥂 Friday 17:30, rooftop terrace. Contributions to the gift: see Tom.",
        "Weekly 1:1 — Olga / Ravi, Thursdays 09:00–09:30, video call. Agenda doc linked in the invite.",
        "Tentative: Conference 'DataConnect 2025', 23–24 Oct, Berlin. Hotel not yet booked.",
        "Declined: Vendor pitch (CloudStore). Comment: 'Sorry, clash with the audit — can we do next week?'",
        "Event created: Car service, Garage Meyer, Sat 08:00. Drop off keys at reception.",
    ],
    "gb_data": [
        "order_id,date,customer,amount,currency,status\n10231,2025-03-01,Hansen GmbH,1240.00,EUR,paid\n10232,2025-03-01,Li Trading,88.50,USD,pending\n10233,2025-03-02,Oak & Co,560.00,GBP,paid",
        "name\temail\tdepartment\tstart_date\nAisha Khan\taisha.khan@northwind.example\tFinance\t2023-04-03\nLuca Bianchi\tluca.b@northwind.example\tSales\t2024-01-15",
        "sku,product,stock,reorder_level\nTS-001,T-shirt white M,42,20\nTS-002,T-shirt white L,8,20\nMG-010,Mug logo,130,50",
        '{"id": 4812, "title": "Quarterly report", "owner": "j.martin", "tags": ["finance", "q2"], "shared": false, "updated_at": "2025-06-30T16:02:11Z"}',
        "server:\n  host: 0.0.0.0\n  port: 8080\nlogging:\n  level: info\n  format: json\ndatabase:\n  url: postgres://app@db:5432/app\n  pool_size: 10",
        "[smtp]\nhost = smtp.mailprovider.example\nport = 587\nstarttls = true\n\n[reports]\nschedule = monday 07:00\nrecipients = finance-team@northwind.example",
        "date,temperature_c,rain_mm\n2025-07-01,24.1,0.0\n2025-07-02,26.3,1.2\n2025-07-03,19.8,14.6",
        '[{"city": "Lyon", "visits": 1204, "conversion": 0.031}, {"city": "Porto", "visits": 877, "conversion": 0.027}, {"city": "Gdansk", "visits": 654, "conversion": 0.035}]',
        "employee_id;name;hours;project\n1021;M. Rossi;37.5;Intranet\n1022;K. Nowak;40;Data warehouse\n1023;J. Smith;20;Intranet",
        "version: '3.8'\nservices:\n  web:\n    image: nginx:1.27\n    ports: ['80:80']\n  worker:\n    build: .\n    command: python worker.py\n    restart: always",
        "Month,Revenue,Costs,Margin\nJan,120400,98200,18.4%\nFeb,131900,101300,23.2%\nMar,127650,99870,21.8%",
        '{"event": "checkout_completed", "user_id": "u_88213", "cart_value": 74.9, "items": 3, "coupon": null, "ts": 1719830400}',
        "invoice_no|supplier|due|amount\nINV-2207|Papier Plus|2025-08-01|312.40\nINV-2208|CleanCo|2025-08-05|1,080.00",
        "# crontab\n0 2 * * * /usr/local/bin/backup.sh >> /var/log/backup.log 2>&1\n30 6 * * 1 /usr/local/bin/weekly-report.sh",
        "student,math,english,science\nEmma,A,B+,A-\nNoah,B,A,B\nOlivia,A-,A-,B+",
        'locale: en-GB\ntimezone: Europe/London\nfeatures:\n  newsletter_signup: true\n  guest_checkout: false\nemails:\n  from: "Shop <no-reply@shop.example>"',
    ],
    "gb_review": [
        "★★★★☆ Lovely little hotel near the old town. The room was small but spotless, breakfast was excellent (try the homemade jam). Only downside: thin walls.",
        "We had dinner here on Saturday. The risotto was creamy and perfectly seasoned, service friendly if a bit slow. Book ahead, it fills up fast. 4/5.",
        "Bought this kettle three months ago. Boils fast and quietly, but the lid hinge already feels loose. Would buy again at a lower price.",
        "Terrible experience. We waited 50 minutes for cold pizza and nobody apologised. Won't be back.",
        "Great headphones for the price. Noise cancelling is decent on the train, battery easily lasts a week. The case is bulky though.",
        "Stayed 3 nights for a conference. Staff were helpful, the gym is tiny, the bed very comfortable. Ask for a room facing the courtyard — the street side is noisy.",
        "The vegan burger was the best I've had in this city. Fries were soggy. Lovely terrace in summer.",
        "Review: Office chair 'ErgoPro'. Assembly took 20 minutes, instructions were clear. After a month my back pain is better. The armrests wobble a bit. Recommended.",
        "Five stars for the bakery on Elm Street. Croissants are flaky, the sourdough is superb and the owner remembers your name.",
        "Would not recommend this B&B. The photos are old, the shower was broken and the host was unreachable. Location is nice.",
        "Solid little vacuum. Picks up dog hair well, battery lasts about 35 minutes, the bin is small. Good for a flat, not for a house.",
        "The hotel spa was the highlight: sauna, steam room and a quiet pool. Breakfast buffet average. Parking is expensive (25 € per night).",
        "Ordered the tasting menu for our anniversary. Eight courses, each one surprising. The sommelier's pairings were spot on. Pricey but worth it.",
        "This book is a slow start but the second half is gripping. The translation is clunky in places.",
        "Camping site review: clean showers, friendly owners, pitches a bit close together. Kids loved the lake. We'll come back next summer.",
    ],
    "gb_web": [
        "About us — Founded in 2011 in a garage in Leeds, Brightside Bikes now builds 4,000 frames a year. We believe in repairable products, fair wages and riding to work.",
        "Frequently asked questions\nHow long does delivery take? Usually 2–4 working days within the EU.\nCan I return an item? Yes, within 30 days, unused and in its original packaging.\nDo you ship to Switzerland? Yes, customs fees may apply.",
        "We use cookies to improve your experience, analyse traffic and show relevant offers. You can accept all cookies, reject non-essential ones or choose your settings. See our cookie policy for details.",
        "Privacy policy (excerpt). We process your name, email address and order history to fulfil your orders. We keep invoices for 10 years as required by law. You can ask us to access, correct or delete your data at privacy@brightside.example.",
        "Opening hours: Mon–Fri 8:00–18:00, Sat 9:00–13:00, Sun closed. Public holidays: see the notice at the entrance.",
        "Terms of service (summary): you must be 16 or older to create an account. You are responsible for keeping your password secret. We may suspend accounts that break these terms.",
        "Contact — Visit us at Hafenstraße 12, 20457 Hamburg, call +49 40 123 456 or write to hello@hafenkaffee.example. We answer within one working day.",
        "Our team: Maya (founder, roasting), Jonas (café manager), Elif (pastry), and Bruno, the office dog.",
        "Shipping & returns. Free shipping on orders over 50 €. Returns are free: print the label from your account, pack the item and drop it at any post office.",
        "Accessibility statement: we aim to meet WCAG 2.1 level AA. Some older PDF documents may not be fully accessible. If you find a problem, please tell us.",
        "Careers — We're hiring! Open positions: Frontend developer (remote), Warehouse associate (Rotterdam), Customer success manager (Lisbon). Send your CV and a short note about yourself.",
        "Welcome to the Oakridge Public Library. Borrow up to 10 items for 3 weeks. Renew online or by phone. Late fees were abolished in 2022.",
        "Impressum: Müller & Söhne GmbH, Industriestr. 4, 70565 Stuttgart. Geschäftsführer: K. Müller. Registergericht Stuttgart HRB 12345.",
        "Cookie settings: Strictly necessary (always on) — needed for login and the shopping cart. Analytics (off) — helps us understand how the site is used. Marketing (off) — personalised ads.",
        "How it works: 1. Choose your plan. 2. Pick your recipes each week. 3. We deliver fresh ingredients to your door. Skip or cancel any week.",
        "Home | Products | Blog | Contact. Handmade ceramics from Cornwall. New collection 'Tide' now available — free gift wrapping until Sunday.",
        "Legal notice: all prices include VAT. Offers valid while stocks last. Images are for illustration only.",
    ],
    "gb_newsletter": [
        "Hello neighbours! This month: the street party is on 21 June, the recycling collection moves to Wednesdays, and the café on the corner is looking for a part-time barista.",
        "Company newsletter — July. Welcome to our 6 new starters! The summer party is on 18 July at the lake. Reminder: submit your expenses by the 25th.",
        "The Weekly Bean ☕ New: single-origin Ethiopia Guji, notes of blueberry and jasmine. Brewing tip of the week: use water just off the boil. 10% off with code BEAN10 until Sunday.",
        "Alumni update: the university opens its new library in October. Reunion weekend for the class of 2005 is on 12–13 September; register on the alumni portal.",
        "In this issue: how we cut our energy use by 18%, an interview with our longest-serving employee, and photos from the charity run.",
        "Monthly product update: you can now schedule reports, filter invoices by supplier and invite read-only users. Coming next: a mobile app for approvals.",
        "Dear members, the pool will be closed for maintenance from 3 to 10 August. The gym and sauna stay open. Thank you for your patience!",
        "Garden club news: tomato seedlings swap on Saturday 10 am, talk on composting next Tuesday, and congratulations to Rita for first prize at the county show.",
        "Newsletter from the school: sports day is on Friday — children should bring a water bottle and a hat. Parents are welcome from 1 pm.",
        "You're receiving this email because you subscribed to updates from Fieldnotes. Unsubscribe or change your preferences at any time using the links below.",
    ],
    "gb_hr_policy": [
        "Remote work policy. Employees may work remotely up to three days a week with their manager's agreement. Core hours are 10:00–15:00. Equipment is provided by the company and remains its property.",
        "Expense policy: keep all receipts; submit claims within 30 days; hotel up to 150 € per night in capital cities; economy class for flights under 6 hours; alcohol is not reimbursed.",
        "Annual leave: full-time staff receive 28 days plus public holidays. Up to 5 unused days can be carried over to the next year. Book leave in the HR portal at least two weeks ahead.",
        "Code of conduct (extract): treat colleagues with respect; declare conflicts of interest; do not accept gifts worth more than 50 €; report concerns to your manager or the ethics hotline.",
        "Onboarding checklist for new hires: sign the contract, complete the data protection training, set up your laptop with IT, meet your buddy, read the employee handbook.",
        "Sick leave: inform your manager before 10:00 on the first day. From the fourth day a doctor's certificate is required.",
        "Performance reviews take place twice a year (April and October). Prepare by writing a short self-assessment and collecting feedback from two colleagues.",
        "Information security policy, section 3: lock your screen when you leave your desk; use the password manager; never share your credentials; report lost devices to IT immediately.",
        "Parental leave: 16 weeks fully paid for the primary carer, 6 weeks for the secondary carer, available in the first year after birth or adoption.",
        "Travel policy: book all business travel through the travel portal. Trains are preferred for journeys under 4 hours. Approvals: line manager for domestic, director for international trips.",
        "Whistleblowing: concerns can be raised anonymously through the external hotline. Retaliation against anyone who reports in good faith is prohibited.",
        "Job description — Office manager. Responsibilities: manage supplies and facilities, coordinate travel, organise company events, support the leadership team with scheduling. 30 hours per week.",
    ],
    "gb_commerce": [
        "INVOICE No. 2025-0412\nDate: 04/12/2025\nBill to: Greenleaf Studio, 8 Mill Lane, Bristol\nDesign work, March (22 h × £65) — £1,430.00\nVAT 20% — £286.00\nTotal due — £1,716.00\nPayment within 30 days to: Sort code 12-34-56, Account 12345678",
        "Receipt — Café Aurora\n2 × Cappuccino 7.00\n1 × Croissant 2.80\n1 × Orange juice 3.50\nTotal 13.30 EUR (incl. VAT 7%)\nPaid by card ****4821. Thank you for your visit!",
        "Your order #58213 has shipped! Carrier: DHL. Tracking number: 00340434161094012345. Estimated delivery: Thursday, 14 March. You can follow your parcel in the carrier's app.",
        "Good news — your package is out for delivery today between 10:00 and 14:00. If you're not at home, the driver will leave it with a neighbour or at the nearest parcel shop.",
        "Order confirmation. Thanks for shopping with us, Laura! Items: running shoes (EU 39) — 89.95 €, sports socks 3-pack — 12.00 €. Shipping: free. Total: 101.95 €.",
        "Credit note CN-0087 for invoice INV-3321: 2 damaged units returned. Amount credited: 58.00 EUR. It will be offset against your next invoice.",
        "Delivery attempt failed: we couldn't deliver your parcel today because nobody was home. We'll try again tomorrow. You can also collect it from the post office at 12 Station Road after 2 pm.",
        "Payment received. We've received your payment of $249.00 for invoice 7741. Thank you! A receipt is attached for your records.",
        "Purchase order PO-5512 to Office Supplies Ltd: 20 reams A4 paper, 10 boxes black pens, 5 desk organisers. Deliver to reception, 3rd floor. Invoice to accounts payable.",
        "Your subscription renews on 1 September for 119 € per year. To change or cancel, go to Account > Subscriptions before that date.",
        "Return label created for order #77120. Drop the parcel at any partner shop within 14 days. Refunds are processed within 5 working days of receipt.",
        "Quote Q-2291 valid for 30 days: office cleaning, 3 times a week, 420 € per month excl. VAT. Windows every quarter: 180 €.",
        "Your Uber receipt: Tuesday evening trip, 12.4 km, 23 min. Fare 18.60 €, tip 2.00 €. Paid with Visa ending 0042.",
        "Statement of account, June: opening balance 1,250.00; invoices 3,400.00; payments 3,100.00; closing balance 1,550.00. Please pay the overdue amount of 450.00 by 15 July.",
    ],
    "gb_release_notes": [
        "Version 4.2.0 — New: dark mode, export to PDF. Improved: faster sync on large libraries. Fixed: crash when rotating the screen on the settings page.",
        "What's new in 2.8: you can now pin favourite chats, share your location for 15 minutes, and choose from 40 new stickers. Bug fixes and performance improvements.",
        "Changelog\n## 1.6.3\n- Fix: timezone offset in recurring events\n- Fix: typo in the German translation\n## 1.6.2\n- Security: update the bundled OpenSSL",
        "Release notes, March update: the calendar view loads twice as fast; the 'duplicate invoice' button is back; we removed the legacy export format (CSV v1).",
        "This update fixes an issue where notifications could arrive twice, and adds support for Android 15.",
        "v3.0 is a major release. Breaking: the config file moved to ~/.config/notes/. Run the migration tool once after upgrading; it copies your settings and keeps a backup.",
        "New in the web app: keyboard shortcuts (press ? to see them), bulk archive, and a clearer billing page. Known issue: search ignores accents in some languages — fix coming next week.",
        "Fixed in 5.4.1: the app no longer logs you out after updating. If you were logged out, sign in again — your data is safe.",
        "Update 11.3: new widgets for your home screen, improved accessibility labels, and VoiceOver support for charts.",
        "Maintenance release 2.2.4: dependency updates, smaller download size (−12%), fixed a memory leak in the image viewer.",
    ],
    "gb_forum": [
        "Re: Sourdough not rising — Try a warmer spot (around 26 °C) and feed your starter twice a day for a few days before baking. Mine took a week to get going again after the winter.",
        "Has anyone switched from the old router to the new fibre box? Mine keeps dropping Wi-Fi every evening. I've already tried changing the channel.",
        "Solved! In case anyone else has this problem: the printer wasn't broken, the paper tray sensor was dirty. Cleaned it with a cotton bud and it works again.",
        "Looking for recommendations: a quiet hotel in Kyoto for a family of four, mid-range budget, close to public transport. Thanks in advance!",
        "Thread: Best way to learn Spanish as an adult? — I did 20 minutes a day with an app plus a weekly conversation class. After a year I could hold a conversation. Consistency matters more than method.",
        "Reply to @bikeguy: the squeak is almost certainly your bottom bracket. Remove the cranks, clean and grease the threads, and torque it back to spec.",
        "Does anyone know if the community pool is open on bank holidays? The website says different things on different pages.",
        "PSA: the bridge on Mill Road is closed for repairs until Friday. Diversion via Church Street adds about 10 minutes.",
        "My tomato leaves are curling and turning yellow from the bottom up. Watering every other day, full sun. Any ideas?",
        "Upvoting this. I had the same error after the update and reinstalling the driver fixed it. Don't forget to reboot afterwards.",
        "Question for the accountants here: can I deduct a home office if I also rent a desk at a co-working space two days a week?",
        "Edit: thanks everyone for the answers, I ended up buying the 27-inch model and I'm very happy with it. Marking this as resolved.",
    ],
    "gb_recipe": [
        "Lemon drizzle cake. Ingredients: 225 g butter, 225 g sugar, 4 eggs, 225 g self-raising flour, zest of 1 lemon. Method: cream butter and sugar, beat in the eggs, fold in the flour and zest. Bake 45 min at 180 °C. Pour lemon syrup over while warm.",
        "Quick tomato soup: fry an onion and two garlic cloves in olive oil, add two tins of tomatoes and 500 ml stock, simmer 15 minutes, blend, season with salt, pepper and a pinch of sugar.",
        "Overnight oats (1 portion): 50 g oats, 150 ml milk, 2 tbsp yoghurt, 1 tsp honey. Stir, cover, refrigerate overnight. Top with berries in the morning.",
        "Step 3: Knead the dough for 10 minutes until smooth, then cover and leave to rise for an hour. Step 4: Shape into rolls, brush with egg and bake for 20 minutes.",
        "Guacamole — mash 3 ripe avocados, add the juice of a lime, half a finely chopped red onion, a chopped tomato, coriander and salt. Serve immediately.",
        "Shakshuka for two: soften peppers and onion, add cumin, paprika and a tin of tomatoes, simmer until thick, make four wells, crack in the eggs, cover and cook for 6–8 minutes.",
        "Tip: rest the steak for five minutes before cutting it, so the juices stay in the meat.",
        "Pancakes: whisk 200 g flour, 2 eggs, 300 ml milk and a pinch of salt. Rest the batter 30 minutes. Cook in a hot buttered pan, about a minute per side.",
        "Chili sin carne (serves 4): 2 tins kidney beans, 1 tin black beans, 2 peppers, 1 onion, 2 tsp chili powder, 1 tsp cumin, 400 g chopped tomatoes. Simmer 30 minutes. Serve with rice.",
        "Pickled red onions: slice one red onion thinly, pour over 120 ml vinegar with 1 tbsp sugar and 1 tsp salt. Ready after 30 minutes, keeps a week in the fridge.",
    ],
    "gb_travel": [
        "Itinerary — Lisbon, 3 days\nDay 1: Alfama, São Jorge castle, dinner in Bairro Alto\nDay 2: Belém (tower, monastery, pastéis), LX Factory\nDay 3: day trip to Sintra, back by train at 18:10",
        "Booking confirmation: Hotel Stella, Rome. Check-in 15 March (from 14:00), check-out 18 March (by 11:00). Double room, breakfast included. Free cancellation until 12 March.",
        "Your e-ticket: Eurostar 9014, London St Pancras 08:01 → Paris Gare du Nord 11:20, coach 12, seat 64. Arrive 45 minutes before departure for security checks.",
        "Travel plan for the offsite: fly to Split on Thursday morning, transfer by minibus to the villa (1 h), workshops Friday and Saturday, return Sunday afternoon.",
        "Car rental: pick-up at Reykjavik airport 7 June 16:00, drop-off 14 June 10:00. Category: 4x4. Full-to-full fuel policy. Bring your driving licence and a credit card.",
        "Packing list for the hiking trip: boots, rain jacket, two layers, headlamp, first-aid kit, water bottle, snacks, map, power bank.",
        "Flight update: your flight LH 2031 to Munich is delayed. New departure time: 19:45. We apologise for the inconvenience.",
        "Road trip notes: Day 1 Edinburgh → Glencoe (3 h), Day 2 Glencoe → Skye via Glenfinnan, Day 3 Skye (Old Man of Storr, Quiraing), Day 4 back via Inverness.",
        "Check-in is now open for your flight to Athens. Choose your seat and download your boarding pass in the app. Hand luggage: one bag up to 8 kg.",
        "Guided tour confirmation: Vatican Museums and Sistine Chapel, Tuesday 9:00, meeting point at the Piazza Risorgimento fountain. Dress code: shoulders and knees covered.",
    ],
    "gb_todo_human": [
        "TODO: book the venue, send invites to the team, order the cake.",
        "To do this week:\n- renew passport\n- call the plumber about the boiler\n- pay the council tax\n- buy a birthday present for Mum",
        "Launch checklist\n[x] final copy approved\n[x] images compressed\n[ ] set up redirects\n[ ] send the press release to the agency\n[ ] post on social media",
        "Action items from today:\n• Jenny — send the updated budget to finance by Friday\n• Raj — book the meeting room for the workshop\n• Me — forward the contract to legal for review",
        "Moving house to-do: cancel the gym membership, redirect the post, give the new address to the bank, book the van for Saturday, defrost the freezer.",
        "TODO (Tom): forward the latest supplier invoice to accounts and file the receipt.",
        "Before you leave tonight: switch off the coffee machine, lock the back door, set the alarm. Thanks! — Carla",
        "Wedding planning list: confirm the florist, send the seating plan to the venue, collect the suits on Thursday, email the photographer the shot list.",
        "Note to self: reset the Wi-Fi password at the office after the contractors leave, and tell everyone the new one.",
        "Open tasks:\n1. Send the Q3 report to the board (Anna)\n2. Create a calendar event for the team offsite (Luis)\n3. Update the shipping address for the Madrid office in the ERP (Kim)",
        "Reminder for Monday: email the client the signed NDA and add them to the project channel.",
        "Holiday prep: water the plants (ask the neighbours), stop the newspaper, pack chargers, print the boarding passes.",
        "Checklist for new starters' first day (for managers): order the laptop, create the email account, add them to the team calendar, plan a welcome lunch.",
        "- [ ] ask Dave to send over the slides\n- [ ] export the contact list for the mailing\n- [ ] share the folder with the new intern\n- [x] book train tickets",
        "Please remember, team: submit your timesheets by Friday noon and send any expense receipts to Maria.",
        "Year-end to-do for the finance team: reconcile the bank accounts, send the outstanding invoices, archive the 2024 receipts, update the approval list in the banking portal.",
        "Event to-dos: print name badges, send the reminder email to all attendees 24 h before, book the photographer, arrange vegetarian options.",
        "Things to do before the audit: collect the signed contracts, export the access logs for Q2, ask IT for the list of admin accounts.",
    ],
    "gb_runbook": [
        "Runbook: disk full on app-server-2\n1. Check usage with df -h.\n2. Delete old logs: sudo journalctl --vacuum-time=7d.\n3. Restart the service: sudo systemctl restart app.\n4. Email ops@northwind.example with what you did.",
        "How to reset your voicemail PIN: dial *86, press 4 for settings, then 2 for PIN, enter a new 6-digit PIN and confirm it.",
        "Incident procedure: if the payment service is down for more than 5 minutes, page the on-call engineer, post in #incidents, and update the status page every 30 minutes.",
        "To restore a deleted file: open the shared drive, go to Trash, right-click the file and choose Restore. Files stay in the trash for 30 days.",
        "Deployment steps: merge to main, wait for CI to pass, tag the release (git tag v1.4.0), run the deploy job, then check the dashboards for 15 minutes.",
        "Closing procedure for the shop: count the till, put the cash in the safe, switch off the lights and the heating, lock both doors, set the alarm (code from the manager).",
        "Onboarding a new laptop: sign in with your company account, install updates, enable disk encryption, install the VPN client, then restart.",
        "If the printer jams: open the front cover, gently pull out the jammed paper, close the cover and press the green button. If it jams again, call facilities on ext. 2200.",
        "Rotating the database password: generate a new password in the vault, update the secret in the deployment config, restart the workers one at a time, then revoke the old password.",
        "Weekly backup check: log in to the backup console, confirm last night's job succeeded, restore one random file to a test folder, and note the result in the log sheet.",
        "Offboarding an employee: disable the account on the last day, transfer their files to the manager, remove them from shared mailboxes, collect the laptop and badge.",
        "First aid for a minor burn: cool it under running water for 20 minutes, remove rings or watches, cover loosely with cling film. Seek medical help if it blisters badly.",
        "To change the toner: open the side panel, pull out the old cartridge, shake the new one gently, insert it until it clicks, close the panel.",
        "Escalation path: first-line support → team lead → duty manager. Call the duty manager directly only for outages affecting more than 100 customers.",
    ],
    "gb_security_notice": [
        "Password reset requested. Someone (hopefully you) asked to reset the password for your account. Click the link below within 30 minutes to choose a new password. If you didn't request this, you can ignore this email.",
        "New sign-in to your account from Chrome on Windows, Berlin, Germany, at 21:14. If this was you, no action is needed. If not, change your password and review your recent activity.",
        "Your verification code is 482913. It expires in 10 minutes. Never share this code with anyone — our staff will never ask for it.",
        "Security notice: we have detected a phishing campaign using our name. We will never ask you for your password by email or phone. Report suspicious messages to abuse@bankname.example.",
        "Two-factor authentication has been turned on for your account. From now on you'll need your phone to sign in from a new device.",
        "Your password was changed on 3 May at 08:12. If you did not make this change, contact us immediately to secure your account.",
        "Action required: your password expires in 7 days. Change it in the company portal under Profile > Security. Choose at least 12 characters.",
        "Important: we updated our privacy policy. The main changes concern how long we keep support conversations. No action is needed from you.",
        "We noticed several failed login attempts on your account. For your protection we've temporarily locked it. Reset your password to unlock it.",
        "Data breach notification: on 12 June an unauthorised party accessed a database containing names and email addresses of some customers. Passwords and payment data were not affected. As a precaution, please be alert to phishing emails.",
        "Your account recovery email was changed to j****@mail.example. If you didn't do this, secure your account now.",
        "Reminder from IT: the phishing simulation runs this month. If an email looks suspicious, use the 'Report phish' button instead of clicking links.",
    ],
    "gb_multilingual": [
        "Protokoll der Teamsitzung vom 12. März. Anwesend: Anna, Jörg, Mehmet. 1. Projektstand: im Plan. 2. Urlaubsplanung: bitte bis Freitag eintragen. Aufgaben: Jörg schickt das Angebot an den Kunden.",
        "Einladung: Sommerfest am Freitag, 18. Juli, ab 16 Uhr im Innenhof. Für Getränke ist gesorgt, Salate gerne mitbringen!",
        "Rezension: Das Hotel liegt zentral, das Frühstück war reichhaltig, aber das Zimmer zur Straße hin sehr laut. Drei Sterne.",
        "To-do: Reifenwechsel buchen, Steuererklärung abschicken, Geschenk für Oma kaufen.",
        "Compte rendu de la réunion du 5 avril : le budget a été validé, le lancement est prévu pour le 2 juin. Actions : Claire envoie le planning à l'équipe, Marc réserve la salle.",
        "Très bon restaurant, service attentionné, le dessert au chocolat est à tomber. Pensez à réserver le week-end.",
        "Politique de confidentialité : nous conservons vos données de commande pendant dix ans conformément à la loi. Vous pouvez demander leur rectification à tout moment.",
        "À faire : envoyer la facture au comptable, appeler le garagiste, réserver le train pour Lyon.",
        "Acta de la reunión: se aprobó el presupuesto de marketing; la campaña empieza en septiembre. Tareas: Lucía prepara el calendario de publicaciones.",
        "Su pedido n.º 48213 ha sido enviado. Número de seguimiento: ES1234567. Entrega estimada: jueves.",
        "Receta: tortilla de patatas. Pelar y cortar 4 patatas, freírlas con una cebolla, batir 6 huevos, mezclar y cuajar a fuego lento por ambos lados.",
        "Verbale della riunione: approvato il piano ferie; il nuovo gestionale parte a ottobre. Azioni: Paolo invia il manuale agli utenti.",
        "Recensione: pizzeria ottima, impasto leggero e ingredienti freschi. Un po' di attesa il sabato sera.",
        "Ata da reunião: o projeto está dentro do prazo; a formação dos utilizadores será em maio. Tarefas: Rita envia o convite a todos.",
        "O seu pedido foi entregue. Obrigado por comprar connosco! Avalie a sua experiência na nossa aplicação.",
        "Notulen van het overleg: de verhuizing is uitgesteld tot april. Actiepunten: Pieter vraagt offertes aan, Sanne informeert de klanten.",
        "Werkinstructie: zet de machine uit, maak het filter schoon, controleer de olie en zet de machine weer aan.",
        "Mötesanteckningar: budgeten godkändes, lanseringen sker i juni. Att göra: Erik skickar tidplanen till alla.",
        "Recension: trevligt hotell nära stationen, god frukost, lite trånga rum.",
        "Protokół ze spotkania: zatwierdzono budżet na III kwartał. Zadania: Kasia wysyła harmonogram, Piotr rezerwuje salę.",
        "Twoja paczka została nadana. Numer przesyłki: 6200123456789. Przewidywana dostawa: jutro.",
        "Toplantı notları: yeni ofis Eylül'de açılıyor. Görevler: Ayşe davetiyeleri gönderecek, Emre bütçeyi güncelleyecek.",
        "Siparişiniz kargoya verildi. Takip numarası: TR987654. Tahmini teslimat: Cuma.",
        "Протокол совещания: бюджет утверждён, запуск в июне. Задачи: Ольга отправляет план команде, Игорь бронирует переговорную.",
        "Отзыв: уютная гостиница в центре, вкусный завтрак, но слабый Wi‑Fi.",
        "Список справ: оплатити рахунки, записатися до лікаря, купити квитки до Львова.",
        "Ваше замовлення №5521 відправлено. Очікувана доставка — у четвер.",
        "会议纪要：第三季度预算已批准，新版本将于六月上线。待办：王芳把时间表发给团队，李明预订会议室。",
        "酒店点评：位置方便，早餐丰富，房间有点小，但很干净。",
        "您的包裹已发出，运单号 SF1234567890，预计周四送达。",
        "議事録：来期の予算が承認されました。担当：佐藤さんが日程表をチームに送付、田中さんが会議室を予約します。",
        "レビュー：駅から近く、朝食もおいしかったです。部屋は少し狭めでした。",
        "やること：請求書を経理に送る、出張の新幹線を予約する、名刺を発注する。",
        "회의록: 예산이 승인되었고 출시는 6월입니다. 할 일: 지민 씨가 일정표를 팀에 보내고, 민수 씨가 회의실을 예약합니다.",
        "주문하신 상품이 발송되었습니다. 송장 번호: 1234-5678. 도착 예정일: 금요일.",
        "محضر الاجتماع: تمت الموافقة على الميزانية، والإطلاق في يونيو. المهام: ترسل سارة الجدول الزمني إلى الفريق.",
        "تم شحن طلبك رقم 7731. التسليم المتوقع يوم الخميس.",
        "Podsumowanie: w tym tygodniu zamknęliśmy 14 zgłoszeń, otwarte pozostają 3. Następne spotkanie w czwartek.",
        "Aufgabenliste fürs Büro: Drucker-Toner bestellen, Rechnung an die Buchhaltung weiterleiten, Besprechungsraum für Dienstag buchen.",
        "Checklist de clôture : éteindre les ordinateurs, fermer les fenêtres, activer l'alarme.",
    ],
}


# Tasks a person writes down for another person (or for themselves). The same tasks, addressed to an AI
# assistant inside a document, are the injections of ``seeds_imperative_attacks`` (which imports these).
HUMAN_TODO_FRAMES = (
    "TODO: {task}",
    "TODO ({name}): {task}",
    "- [ ] {task} ({name})",
    "Action item — {name}: {task} by {day}.",
    "Reminder for {name}: {task}.",
    "Note to self: {task} before {day}.",
    "{name}, could you {task} when you get a chance? Thanks!",
    "Tasks for {day}:\n1. {task}\n2. {other}\n3. lunch with {name2}",
    "Follow-ups from the meeting:\n- {name}: {task}\n- {name2}: {other}",
    "Checklist\n[x] {other}\n[ ] {task}",
    "Hi {name}, before you go on leave please {task}. Cheers, {name2}",
    "Open points ({day}): {task}; {other}.",
    "@{name} can you {task}? I'm out until {day}.",
    "Next steps: {name2} will {task}; {name} will {other}.",
)
NAMES = ("Anna", "Tom", "Priya", "Luis", "Kenji", "Fatima", "Marek", "Chloé", "Sam", "Olga", "Dave", "Ines", "Raj",
         "Jenny", "Kofi", "Maria")
DAYS = ("Friday", "Monday", "end of day", "Thursday noon", "the 15th", "next week", "tomorrow", "EOD Wednesday")


def _paragraphs(text: str) -> list[str]:
    """Prose paragraphs of a README/long description: code blocks, tables, headings, link lists and short
    lines dropped."""
    text = re.sub(r"```.*?```", "\n\n", text, flags=re.DOTALL)
    out = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.strip().splitlines()]
        if not lines or any(ln.startswith(("    ", ">>>", "$ ", "|", "+--", "..", ":", "#", "=", "-" * 3)) for ln in lines):
            continue
        if any(ln.startswith(("Metadata-Version", "Name:", "Version:", "License", "Requires", "Classifier",
                              "Project-URL", "Author", "Home-page", "Keywords", "Platform", "Description-Content"))
               for ln in lines):
            continue
        para = " ".join(lines)
        if 40 <= len(para) <= 700 and para.count(" ") >= 6 and not re.search(r"[{}<>\[\]]{3,}", para):
            out.append(para)
    return out


DOC_PACKAGES = ("numpy", "attrs", "click", "httpx", "idna", "certifi", "anyio", "packaging", "jsonschema",
                "charset_normalizer", "cryptography", "croniter", "h11", "hypothesis", "joblib", "narwhals",
                "orjson", "pathspec", "pluggy", "pygments", "pytest", "python_dateutil", "pyyaml", "requests",
                "rich", "scipy", "scikit_learn", "sqlalchemy", "starlette", "tenacity", "urllib3", "uvicorn",
                "fastapi", "greenlet", "markdown_it_py", "ipython", "jedi", "parso", "cloudpickle", "distro",
                "iniconfig", "mdurl", "threadpoolctl", "tzdata", "wrapt", "zstandard", "websockets", "pydantic",
                "psutil", "structlog")
DOC_CAP = 300
DOC_SEED = 20260301


def package_docs(site_packages: Path, cap: int = DOC_CAP, seed: int = DOC_SEED) -> list[tuple[str, str]]:
    """(package, paragraph): prose from the METADATA long description and README files of ``DOC_PACKAGES``
    installed in ``site_packages`` (sorted, deduplicated), a fixed-seed sample of at most ``cap``."""
    wanted = {p.lower().replace("-", "_") for p in DOC_PACKAGES}
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for dist in sorted(site_packages.glob("*.dist-info")):
        name = dist.name.split("-", 1)[0].lower().replace("-", "_")
        if name not in wanted:
            continue
        files = [dist / "METADATA", *sorted((site_packages / name).glob("README*"))]
        for f in files:
            if not f.is_file():
                continue
            text = f.read_text(encoding="utf-8", errors="replace")
            if f.name == "METADATA":
                text = text.split("\n\n", 1)[1] if "\n\n" in text else ""
            for para in _paragraphs(text):
                if para not in seen:
                    seen.add(para)
                    found.append((name, para))
    rng = random.Random(seed)
    per_pkg: dict[str, list[str]] = {}
    for name, para in found:
        per_pkg.setdefault(name, []).append(para)
    # at most 15 paragraphs per package, so one big README does not dominate
    pool = [(name, p) for name, paras in sorted(per_pkg.items()) for p in rng.sample(paras, min(15, len(paras)))]
    return sorted(rng.sample(pool, min(cap, len(pool))))
