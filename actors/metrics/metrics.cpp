#include "actors/metrics/metrics.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/metrics/http_exchange.hpp"

namespace tmon {

namespace {

// Sends the reply and closes the connection once it is written.
void answer(metrics_broker* self, caf::io::connection_handle connection, const http_reply& reply) {
  const auto bytes = serialize(reply);
  self->write(connection, bytes.size(), bytes.data());
  self->flush(connection);
  self->close(connection);
  self->state.connections.erase(connection.id());
}

// Asks accounting and the notifier for the figures, then answers from them; a connection
// closed or timed out meanwhile is left alone.
void answer_with_figures(metrics_broker* self, caf::io::connection_handle connection,
                         request_head head) {
  const auto serial = self->state.connections[connection.id()].serial;
  const auto timeout = self->state.settings.figures_timeout;
  auto still_open = [=] {
    const auto found = self->state.connections.find(connection.id());
    return found != self->state.connections.end() && found->second.serial == serial;
  };
  auto unavailable = [=](const caf::error& failure) {
    self->state.settings.log->warn("metrics request for {} answered 503: {}", head.path,
                                   caf::to_string(failure));
    if (still_open())
      answer(self, connection, refusal(503));
  };
  self->request(self->state.settings.accounting, timeout, figures_atom_v)
    .then(
      [=](published_figures& published) {
        self->request(self->state.settings.notifier, timeout, attempt_atom_v)
          .then(
            [=](const delivery_counts& deliveries) {
              if (!still_open())
                return;
              // Before the first cycle is settled there are no figures to serve.
              std::optional<published_figures> figures;
              if (published.usage.cycle.end != moment{})
                figures = published;
              const auto& settings = self->state.settings;
              served_pages pages;
              pages.metrics = prometheus_text(figures, deliveries, settings.version);
              if (figures) {
                pages.status_json = figures->status_json;
                pages.history_json = figures->history_json;
              }
              answer(self, connection, reply_to(head, settings.token, pages));
            },
            unavailable);
      },
      unavailable);
}

void answer_request(metrics_broker* self, caf::io::connection_handle connection) {
  auto& state = self->state;
  auto& open = state.connections[connection.id()];
  if (open.answering)
    return;
  const auto reading = read_request_head(open.received);
  using progress = head_reading::progress;
  switch (reading.state) {
    case progress::incomplete:
      return;
    case progress::too_large:
      answer(self, connection, refusal(431));
      return;
    case progress::malformed:
      answer(self, connection, refusal(400));
      return;
    case progress::complete:
      break;
  }
  open.answering = true;
  open.received.clear();
  if (auto refused = refusal_for(reading.head, state.settings.token)) {
    if (refused->status == 401)
      state.settings.log->debug("metrics request for {} refused: no valid bearer token",
                                reading.head.path);
    answer(self, connection, *refused);
    return;
  }
  answer_with_figures(self, connection, reading.head);
}

} // namespace

caf::behavior metrics(metrics_broker* self, metrics_settings settings,
                      caf::io::doorman_ptr listener) {
  self->state.settings = std::move(settings);
  self->add_doorman(std::move(listener));
  return {
    [=](const caf::io::new_connection_msg& opened) {
      auto& state = self->state;
      if (state.connections.size() >= state.settings.max_connections) {
        const auto bytes = serialize(refusal(503));
        self->write(opened.handle, bytes.size(), bytes.data());
        self->flush(opened.handle);
        self->close(opened.handle);
        return;
      }
      const auto serial = ++state.next_serial;
      state.connections[opened.handle.id()] = {std::string{}, serial};
      self->configure_read(opened.handle, caf::io::receive_policy::at_most(4096));
      self->delayed_send(self, state.settings.deadline, deadline_atom_v, opened.handle.id(),
                         serial);
    },
    [=](const caf::io::new_data_msg& data) {
      auto found = self->state.connections.find(data.handle.id());
      if (found == self->state.connections.end())
        return;
      // A head is read as it arrives and refused once past its limit, so no more than one
      // read beyond it is ever kept.
      found->second.received.append(data.buf.begin(), data.buf.end());
      answer_request(self, data.handle);
    },
    [=](const caf::io::connection_closed_msg& closed) {
      self->state.connections.erase(closed.handle.id());
    },
    [=](const caf::io::acceptor_closed_msg&) {
      self->state.settings.log->error("the metrics listener stopped accepting connections");
    },
    [=](deadline_atom, std::int64_t id, std::uint64_t serial) {
      const auto found = self->state.connections.find(id);
      if (found == self->state.connections.end() || found->second.serial != serial)
        return;
      answer(self, caf::io::connection_handle::from_int(id), refusal(408));
    },
  };
}

} // namespace tmon
