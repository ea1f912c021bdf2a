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

void answer_request(metrics_broker* self, caf::io::connection_handle connection) {
  auto& state = self->state;
  const auto reading = read_request_head(state.connections[connection.id()].received);
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
  served_pages pages;
  pages.metrics = prometheus_text(state.figures, state.deliveries, state.settings.version);
  if (state.figures) {
    pages.status_json = state.figures->status_json;
    pages.history_json = state.figures->history_json;
  }
  const auto reply = reply_to(reading.head, state.settings.token, pages);
  if (reply.status == 401)
    state.settings.log->debug("metrics request for {} refused: no valid bearer token",
                              reading.head.path);
  answer(self, connection, reply);
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
    [=](figures_atom, published_figures& figures) { self->state.figures = std::move(figures); },
    [=](attempt_atom, bool delivered) {
      auto& deliveries = self->state.deliveries;
      ++(delivered ? deliveries.sent : deliveries.failed);
    },
  };
}

} // namespace tmon
