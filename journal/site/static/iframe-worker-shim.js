/* journal site: Web Workers for pages opened from file://, where browsers refuse to
   start them. Material's search runs in a worker; on such a page this stand-in runs
   the worker's script in a hidden frame of the page instead and passes the messages
   both ways, so search works with no server and no network. Over http(s) it does
   nothing. (journal's own code; its file name holds `iframe-worker` so that
   Material's offline plugin adds no copy of its own from a CDN.) */
(function () {
  "use strict";
  if (location.protocol !== "file:" || typeof EventTarget !== "function") return;

  class FrameWorker extends EventTarget {
    constructor(url) {
      super();
      this.onmessage = null;
      this.onerror = null;
      this._queue = [];
      this._frame = document.createElement("iframe");
      this._frame.setAttribute("aria-hidden", "true");
      this._frame.tabIndex = -1;
      this._frame.style.display = "none";
      document.body.appendChild(this._frame);
      const scope = this._frame.contentWindow;
      const worker = this;
      scope.postMessage = function (data) {
        setTimeout(function () { worker._deliver(data); }, 0);
      };
      scope.importScripts = function () {
        throw new Error("importScripts is not available to pages opened from file://");
      };
      const script = scope.document.createElement("script");
      script.src = new URL(url, location.href).href;
      script.onload = function () {
        const waiting = worker._queue;
        worker._queue = null;
        waiting.forEach(function (data) { worker._send(data); });
      };
      script.onerror = function () {
        const event = new Event("error");
        if (worker.onerror) worker.onerror(event);
        worker.dispatchEvent(event);
      };
      scope.document.head.appendChild(script);
    }

    postMessage(data) {
      if (this._queue) this._queue.push(data);
      else this._send(data);
    }

    terminate() {
      this._frame.remove();
    }

    _send(data) {
      const scope = this._frame.contentWindow;
      setTimeout(function () {
        scope.dispatchEvent(new scope.MessageEvent("message", { data: data }));
      }, 0);
    }

    _deliver(data) {
      const event = new MessageEvent("message", { data: data });
      if (this.onmessage) this.onmessage(event);
      this.dispatchEvent(event);
    }
  }

  window.Worker = FrameWorker;
})();
