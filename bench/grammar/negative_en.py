"""English hard negatives: ordinary talk that mentions brands, prices, discounts, links, codes or percentages and is
not advertising. Context as for sponsor reads (an advertiser of the same split may be named, critically)."""

from bench.grammar.model import fam

FAMILIES = [
    fam("critical_review", ["open flaw+ verdict", "open flaw verdict"],
        open=["I paid for <brand> with my own money {last year|a few months ago} {to test it|for this review}.",
              "{A lot of you|Some of you} asked what I think of <brand>, so here's my honest take."],
        flaw=["{Honestly|Frankly}, the app crashed {twice|three times} in the first week.",
              "They say it <benefit>, but in my tests it {didn't|barely did}.", ("Support took {five days|a week} to "
              "reply to my email."), "The price went up <pct:pct> since launch, and I don't see why."],
        verdict=["So no, I {wouldn't|can't} recommend it right now.", "Maybe they fix it, but I cancelled."]),
    fam("company_news", ["open detail+ take", "open detail take"],
        open=[("{Big|Some} news this week: {Apple|Samsung|Microsoft|Tesla|Netflix} {announced|reported} "
              "{layoffs|record profits|a price increase}."), ("In tech news, <brand> {got fined|raised prices|"
              "lost a lawsuit} {in Europe|this week}.")],
        detail=["Shares dropped about <pct:pct> after the announcement.", ("Around <gems:n> employees are "
                "affected, according to {Reuters|the Verge}."), "Subscriptions now cost <bonus:usd> more a year."],
        take=["We'll see how customers react.", "{Honestly|I think} that's {bad|not great} news for users."]),
    fam("programming_code", ["open step+ wrap", "open step wrap"],
        open=["Okay, let's look at the code.", "{Let me|I'll} paste this code into the terminal."],
        step=["On line <count:n> we define the function that reads the file.", ("The code is on GitHub, and it's "
              "{MIT licensed|open source}."), "If you get an error here, check your Python version.",
              "This loop runs {ten|a hundred} times, once for each item."],
        wrap=["And that's the whole script, about forty lines of code.", "Run it and you should see the output."]),
    fam("code_of_conduct", ["open detail+", "open detail"],
        open=["Before the tournament starts, a reminder about the code of conduct.",
              "Our community has a code of conduct, and {mods|moderators} do enforce it."],
        detail=["No harassment, no spoilers in the main chat.", ("Breaking the rules gets you a {ban|timeout}."), "You can read the full rules on the server."]),
    fam("settings_tutorial", ["open step+ wrap", "open step wrap"],
        open=["Go to settings, then privacy.", "First, open the settings {app|menu} on your phone."],
        step=["Scroll down and tap {storage|battery|notifications}.", ("Turn off {background refresh|location "
              "history|personalised ads}."), "Then hit {save|apply} and restart the app."],
        wrap=["That alone {freed|saved} {me|us} a lot of {space|battery}.", "Done, that's {it|the whole fix}."]),
    fam("sources_description", ["open detail?", "detail open"],
        open=["All the sources are in the description.", ("{Links to|The} papers I mention are {linked|listed} "
              "in the description.")],
        detail=["The main study was published in {2019|2021} with about <gems:n> participants.",
                "Timestamps are in the description too, if you want to skip ahead."]),
    fam("price_comparison", ["open detail+ take", "open take"],
        open=["The base model costs {nine hundred|twelve hundred|a thousand} dollars, which is <pct:pct> more than last year.",
              "{So|Now} let's talk about price, because it's {a problem|the elephant in the room}."],
        detail=["The competitor is cheaper and honestly faster.", "At that price you can get a used flagship."],
        take=["For most people, I'd wait for a sale.", "That's {too much|a lot} for what you get."]),
    fam("statistics", ["open fact+", "open fact"],
        open=["Here's a number that surprised me.", "Let's look at the data."],
        fact=["About <pct:pct> of people {never|rarely} back up their phones.", ("Since {2010|2015} the price "
              "of solar panels fell by almost <pct:pct>."), ("Only <pct:pct> of the survey answered the last "
              "question.")]),
    fam("website_reference", ["open detail", "open detail+"],
        open=["I found these numbers on {ourworldindata dot org|the government's statistics website}.",
              "{According to|There's a page on} {Wikipedia|the city's website} about {this|it}."],
        detail=["It's a public database, {nobody is selling anything|it's free to use}.",
                "You can check them yourself, it takes a minute."]),
    fam("not_sponsored", ["open detail", "open detail+"],
        open=["{This video is not sponsored|Nobody sponsored this video}, I paid for everything myself.",
              "Just to be clear, no brand paid for this."],
        detail=["I bought the {camera|laptop|tent} at a regular store.", ("If that ever changes, I'll say so "
                "at the start.")]),
    fam("store_sale_story", ["open detail+", "open detail"],
        open=["So I went to the store on Friday and {everything|half the shop} was <pct:pct> off.",
              "There was a huge sale at the mall {last weekend|on Black Friday}."],
        detail=["I still didn't buy anything, the queue was insane.", ("The discount {was|turned out to be} "
                "fake, they raised prices the week before.")]),
    fam("subscription_news", ["open detail take", "open take"],
        open=["Streaming prices are going up again.", ("{Another|One more} service raised its subscription "
              "price this month.")],
        detail=["The basic plan is now <price:usd> more a month, and it still has ads.",
                "People are cancelling and going back to {piracy|DVDs}, apparently."],
        take=["I cancelled two of mine.", "Honestly, it's getting ridiculous."]),
    fam("homonym_link", ["game game_detail", "science science_detail", "build build_detail"],
        game=["In {A Link to the Past|the first Zelda}, Link starts with just a sword.",
              "Link has {a new outfit|the master sword} in this one."],
        game_detail=["Zelda, by the way, is the princess, not the hero.",
                     "The dungeon design is {the best|still great} in the series."],
        science=["The link between sleep and memory is well studied.",
                 "Researchers found a link between {noise|screen time} and {stress|sleep}."],
        science_detail=["But a link is not the same as a cause.", "Correlation, not causation, remember."],
        build=["Now we link the two nodes {together|with this cable}.",
               "The weak link in this chain is the power supply."],
        build_detail=["If one link fails, the whole thing stops.", "Check every connection twice."]),
    fam("own_mistake", ["open detail+", "open detail"],
        open=["I used a promo code once that didn't work at all.", ("I tried the free trial of <brand> and forgot "
              "to cancel it.")],
        detail=["They charged me the full price anyway.", "So read the terms, that's my advice.",
                "It took {two|three} emails to get a refund."]),
    fam("intro", ["hello plan?", "hello", "hook hello plan?"], where="start",
        hello=["Hey everyone, welcome back to the channel.", "What's up guys, <channel> here.",
               "Hi, and welcome back.", "Hello hello, {good to see you|welcome} again.", "Hey friends."],
        hook=["{Today|In this video} we're doing something {a bit different|I've wanted to do for ages}.",
              "This one took {three weeks|way too long} to make."],
        plan=["Let's get {into it|started}.", "{Grab a coffee|Get comfortable}, this is a long one.",
              "Timestamps are below if you want to skip around."]),
    fam("outro", ["thanks bye", "thanks", "recap thanks bye"], where="end",
        recap=["So that's {everything|it} for today.", "And that's a wrap on this one."],
        thanks=["Thanks for watching.", "Thank you so much for watching, {really|I mean it}.",
                "That's all from me, thanks for sticking around."],
        bye=["See you in the next one.", "Take care, bye.", "Catch you next week.", "Peace."]),
]
