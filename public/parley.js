// Parley's script on Chainlit's page (agents/ui/client.py says what it is for and how it talks
// to the server). It only reads the page and adds its own bar: it never changes Chainlit's DOM
// beyond the text box's placeholder.
(function () {
  "use strict";
  var CLIENT = "parleyClient", SERVER = "parleyServer";
  var MARK = /\u23F1\s*(\d+):(\d{2}) to answer/;
  var NARROW = 768; // Chainlit's own breakpoint: below it the side panel covers the chat
  var HELLO_TRIES = 600; // once a second until the server has a page for this chat (a seat is chosen)
  var state = { ready: false, seated: false, ended: false, narrow: null, ask: null, follow: true, hellos: 0 };

  function post(kind, data) {
    var message = Object.assign({}, data || {});
    message[CLIENT] = kind;
    window.postMessage(message, "*");
  }

  function isNarrow() { return window.innerWidth < NARROW; }

  // A room's link (?room=CODE, and &key=KEY for a member's own way back) is kept for this tab
  // until the server has used it: signing in first must not lose it.
  var LINK = "parleyRoomLink";
  (function keepRoomLink() {
    var params = new URLSearchParams(window.location.search);
    if (params.get("room")) {
      sessionStorage.setItem(LINK, JSON.stringify({ room: params.get("room"), key: params.get("key") || "" }));
    }
  })();

  function roomLink() {
    try { return JSON.parse(sessionStorage.getItem(LINK) || "null"); } catch (e) { return null; }
  }

  function hello() {
    state.narrow = isNarrow();
    var link = roomLink();
    post("hello", link ? { narrow: state.narrow, room: link.room, key: link.key } : { narrow: state.narrow });
  }

  function button(id, label, onClick) {
    var b = document.createElement("button");
    b.id = id;
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  function bar() {
    var existing = document.getElementById("parley-bar");
    if (existing) return existing;
    var el = document.createElement("div");
    el.id = "parley-bar";
    el.setAttribute("role", "toolbar");
    el.setAttribute("aria-label", "Parley");
    var floor = button("parley-floor", "Ask for the floor", function () {
      post("floor");
      floor.textContent = "Floor asked \u2713";
      setTimeout(function () { floor.textContent = "Ask for the floor"; }, 4000);
    });
    floor.hidden = true;
    var panel = button("parley-panel", "Draft and brief", function () {
      panel.classList.remove("parley-updated");
      post("panel");
    });
    var clock = document.createElement("span");
    clock.id = "parley-clock";
    clock.setAttribute("aria-live", "polite");
    el.append(floor, panel, clock);
    document.body.appendChild(el);
    return el;
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || typeof data !== "object" || !(SERVER in data)) return;
    if (data[SERVER] === "hello") {
      bar().setAttribute("data-told", "1"); // the server knows this page's width
      state.ready = !!data.ready;
      state.seated = !!data.seated;
      document.getElementById("parley-floor").hidden = !state.seated;
      if (data.linked) sessionStorage.removeItem(LINK); // the room's link was followed
    } else if (data[SERVER] === "ended") {
      state.ended = true;
      document.getElementById("parley-floor").hidden = true;
    } else if (data[SERVER] === "draft-updated") {
      if (document.getElementById("side-view-title")) post("panel"); // open: redraw it
      else document.getElementById("parley-panel").classList.add("parley-updated");
    }
  });

  window.addEventListener("resize", function () {
    if (state.narrow !== isNarrow()) hello();
  });

  // The scrolling chat: the nearest scrollable ancestor of the messages.
  function scroller() {
    var step = document.querySelector(".step");
    var el = step && step.parentElement;
    while (el && el !== document.body) {
      var style = getComputedStyle(el).overflowY;
      if ((style === "auto" || style === "scroll") && el.scrollHeight > el.clientHeight) return el;
      el = el.parentElement;
    }
    return null;
  }

  function atBottom(el) { return el.scrollTop + el.clientHeight >= el.scrollHeight - 60; }

  // The person scrolling back stops following the talks; scrolling to the end resumes it.
  ["wheel", "touchmove", "keydown"].forEach(function (type) {
    window.addEventListener(type, function () {
      setTimeout(function () {
        var el = scroller();
        if (el) state.follow = atBottom(el);
      }, 120);
    }, { passive: true });
  });

  // The question waiting for the person: the last message that says how long it waits, unless
  // the person has replied to it (a text question) or it was answered (buttons: Chainlit then
  // replaces its text, and the mark goes).
  function pendingAsk() {
    var steps = document.querySelectorAll("[data-step-type]");
    for (var i = steps.length - 1; i >= 0; i--) {
      var type = steps[i].getAttribute("data-step-type");
      if (type === "user_message") return null;
      var match = MARK.exec(steps[i].innerText || "");
      if (match) {
        var body = steps[i].querySelector('[id^="step-"]');
        return {
          id: body ? body.id : "ask-" + i,
          element: steps[i],
          seconds: parseInt(match[1], 10) * 60 + parseInt(match[2], 10),
          buttons: !!steps[i].querySelector("button.min-h-10"),
        };
      }
    }
    return null;
  }

  function clockText(seconds) {
    var left = Math.max(0, Math.ceil(seconds));
    return Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
  }

  function placeholder(text) {
    var input = document.getElementById("chat-input");
    if (input && input.getAttribute("placeholder") !== text) input.setAttribute("placeholder", text);
  }

  function tick() {
    bar();
    var ask = pendingAsk();
    var clock = document.getElementById("parley-clock");
    if (!ask) {
      state.ask = null;
      clock.textContent = "";
      if (state.ended) {
        placeholder("The session has ended: start a new chat to negotiate again");
      } else if (state.ready) {
        placeholder(state.seated
          ? "Not your turn: use Ask for the floor (top right)"
          : "You are observing: nothing to type");
      }
    } else {
      if (!state.ask || state.ask.id !== ask.id) {
        state.ask = { id: ask.id, since: Date.now(), seconds: ask.seconds };
        state.follow = true;
        ask.element.scrollIntoView({ block: "end" });
      }
      var left = clockText(state.ask.seconds - (Date.now() - state.ask.since) / 1000);
      clock.textContent = "\u23F1 " + left + " left to answer";
      placeholder(ask.buttons
        ? "Answer with the buttons above (" + left + " left): the text box is not used for this question"
        : "Type your answer and press Enter (" + left + " left)");
    }
    if (!state.ready && state.hellos++ < HELLO_TRIES) hello();
  }

  var scheduled = false;
  new MutationObserver(function () {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(function () {
      scheduled = false;
      if (state.follow) {
        var el = scroller();
        if (el && !atBottom(el)) el.scrollTop = el.scrollHeight;
      }
    });
  }).observe(document.documentElement, { childList: true, subtree: true, characterData: true });

  setInterval(tick, 1000);
  setTimeout(tick, 200);
})();
