/**
 * A stand-in for Stripe.js (https://js.stripe.com/v3/) for browser tests, served in its place by
 * test/support/stripe-browser.ts. It implements the part the booking page uses — `Stripe(key,
 * {locale})`, `elements().create('card')`, `confirmCardSetup`, `handleNextAction`, and the Payment
 * Request Button (`paymentRequest`, `elements().create('paymentRequestButton')`) — over the same
 * HTTP calls the real script makes to api.stripe.com (form-encoded, publishable key in the body, no
 * CORS preflight), which FakeStripe answers. The Card Element draws plain inputs named `cardnumber`,
 * `exp-date` and `cvc` in the mount container, so tests fill them with ordinary locators; a bank's
 * 3-D Secure step is a modal like Stripe's test page ("Complete authentication" / "Fail
 * authentication") whose answer goes to FakeStripe's test ACS route.
 *
 * The browser's wallet: `canMakePayment()` answers as `localStorage['fake-stripe.wallet']` says
 * (`googlePay`, `applePay` or `link`; absent: null, no wallet). Its button opens a sheet like the
 * wallet's ("Pay" / "Cancel") that shows the total; "Pay" turns the wallet's card (Mastercard
 * 5555 5555 5555 4444, or `localStorage['fake-stripe.wallet-card']`) into a PaymentMethod at
 * api.stripe.com and emits `paymentmethod`; each `complete(status)` is kept in
 * `window.fakeStripeWalletCompletions` for the tests.
 *
 * Plain ES2020 in a string: it runs in the page, not through the test's TypeScript.
 */
export const FAKE_STRIPE_JS = String.raw`
(function () {
  'use strict';
  var API = 'https://api.stripe.com';
  var MESSAGES = {
    en: {
      cardNumber: 'Card number',
      expiry: 'MM / YY',
      cvc: 'CVC',
      incompleteNumber: 'Your card number is incomplete.',
      invalidNumber: 'Your card number is invalid.',
      invalidExpiry: 'Your card\'s expiration date is invalid.',
      incompleteExpiry: 'Your card\'s expiration date is incomplete.',
      incompleteCvc: 'Your card\'s security code is incomplete.'
    },
    fr: {
      cardNumber: 'Numéro de carte',
      expiry: 'MM / AA',
      cvc: 'CVC',
      incompleteNumber: 'Le numéro de votre carte est incomplet.',
      invalidNumber: 'Le numéro de votre carte est invalide.',
      invalidExpiry: 'La date d\'expiration de votre carte n\'est pas valide.',
      incompleteExpiry: 'La date d\'expiration de votre carte est incomplète.',
      incompleteCvc: 'Le code de sécurité de votre carte est incomplet.'
    }
  };

  function encode(fields) {
    return Object.keys(fields).map(function (name) {
      return encodeURIComponent(name) + '=' + encodeURIComponent(fields[name]);
    }).join('&');
  }
  function answer(response) {
    return response.json().then(function (body) { return { ok: response.ok, body: body }; });
  }
  function post(path, fields) {
    return fetch(API + path, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: encode(fields) }).then(answer);
  }
  function get(path, fields) {
    return fetch(API + path + '?' + encode(fields)).then(answer);
  }
  function intentOf(clientSecret) {
    return String(clientSecret).split('_secret_')[0];
  }
  function luhn(digits) {
    var sum = 0;
    for (var i = 0; i < digits.length; i++) {
      var digit = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) { digit *= 2; if (digit > 9) digit -= 9; }
      sum += digit;
    }
    return sum % 10 === 0;
  }

  function CardElement(messages) {
    this._messages = messages;
    this._handlers = [];
    this._root = null;
    this._inputs = null;
  }
  CardElement.prototype.mount = function (target) {
    var container = typeof target === 'string' ? document.querySelector(target) : target;
    if (!container) throw new Error('IntegrationError: the mount target does not exist.');
    var self = this;
    var root = document.createElement('div');
    root.className = 'FakeStripeElement';
    root.style.display = 'flex';
    root.style.gap = '0.5rem';
    function input(name, label, autocomplete, width) {
      var field = document.createElement('input');
      field.name = name;
      field.autocomplete = autocomplete;
      field.inputMode = 'numeric';
      field.placeholder = label;
      field.setAttribute('aria-label', label);
      field.style.flex = width;
      field.addEventListener('input', function () { self._emit(); });
      root.appendChild(field);
      return field;
    }
    this._inputs = {
      number: input('cardnumber', this._messages.cardNumber, 'cc-number', '3 1 0'),
      expiry: input('exp-date', this._messages.expiry, 'cc-exp', '1 1 0'),
      cvc: input('cvc', this._messages.cvc, 'cc-csc', '1 1 0')
    };
    this._root = root;
    container.appendChild(root);
  };
  CardElement.prototype.on = function (event, handler) {
    if (event === 'change') this._handlers.push(handler);
    return this;
  };
  CardElement.prototype.unmount = function () {
    if (this._root) this._root.remove();
  };
  CardElement.prototype.destroy = function () {
    this.unmount();
    this._root = null;
    this._inputs = null;
    this._handlers = [];
  };
  CardElement.prototype.focus = function () {
    if (this._inputs) this._inputs.number.focus();
  };
  CardElement.prototype._card = function () {
    var inputs = this._inputs;
    var number = inputs ? inputs.number.value.replace(/\D/g, '') : '';
    var expiry = inputs ? inputs.expiry.value.replace(/\D/g, '') : '';
    var cvc = inputs ? inputs.cvc.value.replace(/\D/g, '') : '';
    return { number: number, expMonth: Number(expiry.slice(0, 2)), expYear: 2000 + Number(expiry.slice(2, 4)), expiry: expiry, cvc: cvc };
  };
  CardElement.prototype._state = function () {
    var card = this._card();
    var messages = this._messages;
    var error;
    var now = new Date();
    var expired = card.expYear < now.getFullYear() || (card.expYear === now.getFullYear() && card.expMonth < now.getMonth() + 1);
    if (card.number.length >= 16 && !luhn(card.number)) error = { type: 'validation_error', code: 'invalid_number', message: messages.invalidNumber };
    else if (card.expiry.length === 4 && (card.expMonth < 1 || card.expMonth > 12 || expired)) error = { type: 'validation_error', code: 'invalid_expiry_year_past', message: messages.invalidExpiry };
    var complete = !error && card.number.length === 16 && card.expiry.length === 4 && card.cvc.length >= 3;
    var empty = !card.number && !card.expiry && !card.cvc;
    if (!complete && !error) {
      if (card.number.length < 16) error = { type: 'validation_error', code: 'incomplete_number', message: messages.incompleteNumber };
      else if (card.expiry.length < 4) error = { type: 'validation_error', code: 'incomplete_expiry', message: messages.incompleteExpiry };
      else error = { type: 'validation_error', code: 'incomplete_cvc', message: messages.incompleteCvc };
    }
    return { elementType: 'card', empty: empty, complete: complete, error: error, brand: card.number[0] === '4' ? 'visa' : 'unknown' };
  };
  CardElement.prototype._emit = function () {
    var state = this._state();
    // Like Stripe: a half-typed card is not an error until it can no longer be right.
    var shown = { elementType: state.elementType, empty: state.empty, complete: state.complete, brand: state.brand };
    if (state.error && /^invalid_/.test(state.error.code)) shown.error = state.error;
    this._handlers.forEach(function (handler) { handler(shown); });
  };

  /** Stripe's test 3-D Secure page, in the page: the answer goes to the fake's ACS route. */
  function challenge() {
    return new Promise(function (resolve) {
      var overlay = document.createElement('div');
      overlay.style.cssText = 'position:fixed;inset:0;background:rgba(0,0,0,0.5);display:flex;align-items:center;justify-content:center;z-index:2147483647';
      var box = document.createElement('div');
      box.setAttribute('role', 'dialog');
      box.setAttribute('aria-modal', 'true');
      box.setAttribute('aria-labelledby', 'fake-stripe-3ds-title');
      box.style.cssText = 'background:#fff;color:#000;padding:24px;max-width:420px;font-family:sans-serif';
      var title = document.createElement('h2');
      title.id = 'fake-stripe-3ds-title';
      title.textContent = '3D Secure Test Page';
      var text = document.createElement('p');
      text.textContent = 'This is a test 3D Secure authentication. Complete or fail it to see what your integration does.';
      box.appendChild(title);
      box.appendChild(text);
      [['complete', 'Complete authentication'], ['fail', 'Fail authentication']].forEach(function (choice) {
        var button = document.createElement('button');
        button.type = 'button';
        button.textContent = choice[1];
        button.style.marginRight = '8px';
        button.addEventListener('click', function () {
          overlay.remove();
          resolve(choice[0]);
        });
        box.appendChild(button);
      });
      overlay.appendChild(box);
      document.body.appendChild(overlay);
      box.querySelector('button').focus();
    });
  }

  var WALLET_NAMES = { googlePay: 'Google Pay', applePay: 'Apple Pay', link: 'Link' };
  var DEFAULT_WALLET_CARD = '5555555555554444';
  function walletInBrowser() {
    try { return localStorage.getItem('fake-stripe.wallet'); } catch (error) { return null; }
  }
  function walletCard() {
    try { return localStorage.getItem('fake-stripe.wallet-card') || DEFAULT_WALLET_CARD; } catch (error) { return DEFAULT_WALLET_CARD; }
  }
  window.fakeStripeWalletCompletions = [];

  function PaymentRequest(stripe, options) {
    if (!options || !options.total || !Number.isInteger(options.total.amount)) throw new Error('IntegrationError: paymentRequest needs total.amount, an integer.');
    this._stripe = stripe;
    this._options = options;
    this._handlers = {};
    this._showing = false;
  }
  PaymentRequest.prototype.canMakePayment = function () {
    var wallet = walletInBrowser();
    if (!WALLET_NAMES[wallet]) return Promise.resolve(null);
    return Promise.resolve({ applePay: wallet === 'applePay', googlePay: wallet === 'googlePay', link: wallet === 'link' });
  };
  PaymentRequest.prototype.on = function (event, handler) {
    (this._handlers[event] = this._handlers[event] || []).push(handler);
    return this;
  };
  PaymentRequest.prototype.update = function (options) {
    if (this._showing) throw new Error('IntegrationError: You cannot update Payment Request options while the payment sheet is showing.');
    if (options && options.total) this._options.total = options.total;
  };
  PaymentRequest.prototype._emit = function (event, payload) {
    (this._handlers[event] || []).forEach(function (handler) { handler(payload); });
  };
  /** The wallet's own sheet: the total, then "Pay" (the wallet's card becomes a PaymentMethod) or "Cancel". */
  PaymentRequest.prototype._show = function () {
    var self = this;
    var wallet = WALLET_NAMES[walletInBrowser()];
    self._showing = true;
    var overlay = document.createElement('div');
    overlay.style.cssText = 'position:fixed;inset:0;background:rgba(0,0,0,0.5);display:flex;align-items:flex-end;justify-content:center;z-index:2147483647';
    var sheet = document.createElement('div');
    sheet.setAttribute('role', 'dialog');
    sheet.setAttribute('aria-modal', 'true');
    sheet.setAttribute('aria-label', wallet + ' (test)');
    sheet.style.cssText = 'background:#fff;color:#000;padding:24px;width:100%;max-width:420px;font-family:sans-serif';
    var total = document.createElement('p');
    total.textContent = self._options.total.label + ': ' + (self._options.total.amount / 100).toFixed(2) + ' ' + String(self._options.currency).toUpperCase();
    sheet.appendChild(total);
    function close() {
      overlay.remove();
      self._showing = false;
    }
    var pay = document.createElement('button');
    pay.type = 'button';
    pay.textContent = 'Pay';
    pay.addEventListener('click', function () {
      var number = walletCard();
      post('/v1/payment_methods', { type: 'card', 'card[number]': number, 'card[exp_month]': 12, 'card[exp_year]': 2034, 'card[cvc]': '123', key: self._stripe._key }).then(function (created) {
        if (!created.ok) {
          close();
          self._emit('cancel');
          return;
        }
        self._emit('paymentmethod', {
          paymentMethod: created.body,
          walletName: walletInBrowser(),
          complete: function (status) {
            window.fakeStripeWalletCompletions.push(status);
            close();
          }
        });
      });
    });
    var cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.textContent = 'Cancel';
    cancel.style.marginLeft = '8px';
    cancel.addEventListener('click', function () {
      close();
      self._emit('cancel');
    });
    sheet.appendChild(pay);
    sheet.appendChild(cancel);
    overlay.appendChild(sheet);
    document.body.appendChild(overlay);
    pay.focus();
  };

  function PaymentRequestButtonElement(paymentRequest) {
    this._paymentRequest = paymentRequest;
    this._handlers = [];
    this._button = null;
  }
  PaymentRequestButtonElement.prototype.mount = function (target) {
    var container = typeof target === 'string' ? document.querySelector(target) : target;
    if (!container) throw new Error('IntegrationError: the mount target does not exist.');
    var self = this;
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Pay with ' + WALLET_NAMES[walletInBrowser()];
    button.style.cssText = 'width:100%;min-height:44px;background:#000;color:#fff;border:0;border-radius:4px;font:inherit';
    button.addEventListener('click', function () {
      var prevented = false;
      var event = { preventDefault: function () { prevented = true; } };
      self._handlers.forEach(function (handler) { handler(event); });
      if (!prevented) self._paymentRequest._show();
    });
    container.appendChild(button);
    this._button = button;
  };
  PaymentRequestButtonElement.prototype.on = function (event, handler) {
    if (event === 'click') this._handlers.push(handler);
    return this;
  };
  PaymentRequestButtonElement.prototype.destroy = function () {
    if (this._button) this._button.remove();
    this._button = null;
    this._handlers = [];
  };

  function Stripe(publishableKey, options) {
    if (!(this instanceof Stripe)) return new Stripe(publishableKey, options);
    if (!/^pk_/.test(String(publishableKey))) throw new Error('IntegrationError: Invalid value for Stripe(): apiKey should be a publishable key.');
    this._key = publishableKey;
    this._locale = options && options.locale === 'fr' ? 'fr' : 'en';
  }
  Stripe.prototype.elements = function (options) {
    var messages = MESSAGES[options && options.locale === 'fr' ? 'fr' : this._locale];
    return {
      create: function (type, createOptions) {
        if (type === 'paymentRequestButton') {
          if (!createOptions || !(createOptions.paymentRequest instanceof PaymentRequest)) throw new Error('IntegrationError: paymentRequestButton needs a paymentRequest.');
          return new PaymentRequestButtonElement(createOptions.paymentRequest);
        }
        if (type !== 'card') throw new Error('IntegrationError: the fake Stripe.js only has the card and paymentRequestButton Elements.');
        return new CardElement(messages);
      }
    };
  };
  Stripe.prototype.paymentRequest = function (options) {
    return new PaymentRequest(this, options);
  };
  /** The bank's step for an intent waiting for it, then the intent as it stands. */
  Stripe.prototype._authenticate = function (kind, intent, clientSecret) {
    var key = this._key;
    var resultName = kind === 'payment_intents' ? 'paymentIntent' : 'setupIntent';
    return challenge()
      .then(function (outcome) { return post('/v1/_test/three_d_secure/' + intent.id, { outcome: outcome, client_secret: clientSecret, key: key }); })
      .then(function () { return get('/v1/' + kind + '/' + intent.id, { client_secret: clientSecret, key: key }); })
      .then(function (read) {
        if (!read.ok) return { error: read.body.error };
        var after = read.body;
        if (after.status === 'succeeded' || after.status === 'requires_capture' || after.status === 'processing') {
          var result = {};
          result[resultName] = after;
          return result;
        }
        var error = after.last_payment_error || after.last_setup_error || { type: 'card_error', code: kind === 'payment_intents' ? 'payment_intent_authentication_failure' : 'setup_intent_authentication_failure' };
        var failed = Object.assign({}, error);
        failed[kind === 'payment_intents' ? 'payment_intent' : 'setup_intent'] = after;
        return { error: failed };
      });
  };
  Stripe.prototype.confirmCardSetup = function (clientSecret, data, options) {
    var self = this;
    var handleActions = !(options && options.handleActions === false);
    // No data: the next action of a setup confirmed already (a wallet's card confirmed with handleActions: false).
    if (!data) {
      return get('/v1/setup_intents/' + intentOf(clientSecret), { client_secret: clientSecret, key: self._key })
        .then(function (read) {
          if (!read.ok) return { error: read.body.error };
          if (read.body.status === 'requires_action') return self._authenticate('setup_intents', read.body, clientSecret);
          return { setupIntent: read.body };
        })
        .catch(function () { return { error: { type: 'api_connection_error', message: 'We could not reach Stripe.' } }; });
    }
    // A PaymentMethod id (the wallet's): confirmed as it is.
    if (typeof data.payment_method === 'string') return self._confirmSetup(clientSecret, data.payment_method, handleActions);
    var element = data && data.payment_method && data.payment_method.card;
    if (!(element instanceof CardElement) || !element._inputs) return Promise.resolve({ error: { type: 'validation_error', code: 'incomplete_number', message: MESSAGES[this._locale].incompleteNumber } });
    var state = element._state();
    if (!state.complete) return Promise.resolve({ error: state.error });
    var card = element._card();
    return post('/v1/payment_methods', {
      type: 'card',
      'card[number]': card.number,
      'card[exp_month]': card.expMonth,
      'card[exp_year]': card.expYear,
      'card[cvc]': card.cvc,
      key: self._key
    })
      .then(function (created) {
        if (!created.ok) return { error: created.body.error };
        return self._confirmSetup(clientSecret, created.body.id, handleActions);
      })
      .catch(function () { return { error: { type: 'api_connection_error', message: 'We could not reach Stripe.' } }; });
  };
  Stripe.prototype._confirmSetup = function (clientSecret, paymentMethodId, handleActions) {
    var self = this;
    return post('/v1/setup_intents/' + intentOf(clientSecret) + '/confirm', { payment_method: paymentMethodId, client_secret: clientSecret, key: self._key })
      .then(function (confirmed) {
        if (!confirmed.ok) return { error: confirmed.body.error };
        if (confirmed.body.status === 'requires_action') return handleActions ? self._authenticate('setup_intents', confirmed.body, clientSecret) : { setupIntent: confirmed.body };
        if (confirmed.body.status === 'succeeded') return { setupIntent: confirmed.body };
        return { error: confirmed.body.last_setup_error || { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' } };
      })
      .catch(function () { return { error: { type: 'api_connection_error', message: 'We could not reach Stripe.' } }; });
  };
  Stripe.prototype.handleNextAction = function (options) {
    var self = this;
    var clientSecret = options && options.clientSecret;
    return get('/v1/payment_intents/' + intentOf(clientSecret), { client_secret: clientSecret, key: self._key })
      .then(function (read) {
        if (!read.ok) return { error: read.body.error };
        if (read.body.status !== 'requires_action') return { paymentIntent: read.body };
        return self._authenticate('payment_intents', read.body, clientSecret);
      })
      .catch(function () { return { error: { type: 'api_connection_error', message: 'We could not reach Stripe.' } }; });
  };
  Stripe.version = 3;
  window.Stripe = Stripe;
})();
`;
