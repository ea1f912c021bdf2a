"""Telegram commands answered by the real binary, against a fake Bot API on 127.0.0.1 whose
getUpdates holds each long poll open: an answer within 3 s with the right figures, foreign
chats ignored, no answer twice across a SIGKILL, commands that waited while the monitor was
down skipped, a 409 and a refused token handled."""

import os
import signal
import time

from fake_telegram import BOT_NAME, FakeTelegram
from harness import MonitorTestCase, run_tests

TOKEN = "123456789:AAE_e2eCommandsSecret-0123456789"
CHAT = "31415926"
STRANGER = "27182818"


class TelegramCommands(MonitorTestCase):
    def setUp(self):
        super().setUp()
        self.telegram = FakeTelegram()
        self.addCleanup(self.telegram.close)
        # 250 MB sent of a 1 GB quota.
        self.proc.set_counters({"eth0": (40 * 10**6, 10**6)})

    def start_polling(self, **overrides):
        settings = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_CHAT_ID": CHAT,
            "TELEGRAM_API_BASE": self.telegram.base_url,
            "TELEGRAM_COMMANDS": "on",
            "MESSAGE_LANG": "en",
            "TRAFFIC_UNIT": "GB",
            "MONTHLY_TRAFFIC_GB": "1",
            "THRESHOLDS": "90",
            "PUBLIC_IP": "203.0.113.9",
            **overrides,
        }
        monitor = self.start(**settings)
        self.wait_for(lambda: self.telegram.polls, what="the first getUpdates")
        return monitor

    def wait_for_held_poll(self, count):
        """Until the monitor has made `count` polls and the last one is held open."""
        self.wait_for(lambda: len(self.telegram.polls) >= count, what=f"poll {count}")

    def answers_to(self, chat):
        return [t for t in self.telegram.texts_to(chat) if "Traffic monitor started" not in t]

    def assert_no_token_anywhere(self):
        secret = TOKEN.split(":")[1]
        self.assertNotIn(secret, self.output())
        with open(os.path.join(self.data_dir, "traffic-monitor.log"), errors="replace") as log:
            self.assertNotIn(secret, log.read())

    def test_status_is_answered_within_3_seconds_with_the_figures(self):
        self.start_polling()
        self.wait_for(lambda: "Traffic monitor started" in "".join(self.telegram.texts()),
                      what="the start-up message")
        sent = 10**6
        self.proc.set_counters({"eth0": (40 * 10**6, sent + 250 * 10**6)})
        self.wait_for(lambda: self.status()["counted_bytes"] == 250 * 10**6,
                      what="the traffic counted")
        polls_before = len(self.telegram.polls)
        asked = time.monotonic()
        self.telegram.send_command(CHAT, "/status")
        self.wait_for(lambda: self.answers_to(CHAT), timeout=10, what="the answer")
        self.assertLess(time.monotonic() - asked, 3)
        answer = self.answers_to(CHAT)[0]
        self.assertTrue(answer.startswith("📍 Traffic status\n"), answer)
        self.assertIn("Public IPv4: 203.0.113.9", answer)
        self.assertIn("Used / quota: 0.25 GB / 1.00 GB (25.0%)", answer)
        self.assertIn("Left in the quota: 0.75 GB", answer)
        # The menu was registered, in MESSAGE_LANG, with the name getMe gave.
        self.assertEqual([c["command"] for c in self.telegram.menus[0]["commands"]],
                         ["status", "report", "history", "calibrate", "help"])
        # The next poll confirms the command and runs on the same connection.
        self.wait_for_held_poll(polls_before + 1)
        polls = self.telegram.polls
        self.assertEqual(polls[-1]["offset"], self.telegram.next_update_id)
        self.assertEqual(len({tuple(p["peer"]) for p in polls}), 1, polls)
        self.telegram.send_command(CHAT, f"/report@{BOT_NAME}")
        self.telegram.send_command(CHAT, "/history@SomeOtherBot")
        self.telegram.send_command(CHAT, "/frobnicate")
        self.wait_for(lambda: len(self.answers_to(CHAT)) == 3, what="two more answers")
        answers = self.answers_to(CHAT)
        self.assertTrue(answers[1].startswith("📊 Traffic report\n"), answers[1])
        self.assertTrue(answers[2].startswith("Commands:\n/status"), answers[2])
        self.assert_no_token_anywhere()

    def test_a_foreign_chat_is_ignored_and_named_once(self):
        self.start_polling()
        self.telegram.send_command(STRANGER, "/status")
        self.telegram.send_command(STRANGER, "/help")
        self.telegram.send_command(CHAT, "/help")
        self.wait_for(lambda: self.answers_to(CHAT), what="the answer to the owner")
        self.assertEqual(self.telegram.texts_to(STRANGER), [])
        self.assertEqual(self.output().count(f"messages from chat {STRANGER} are ignored"), 1)

    def test_no_command_is_answered_twice_across_a_sigkill(self):
        monitor = self.start_polling()
        update_id = self.telegram.send_command(CHAT, "/help")
        self.wait_for(lambda: self.answers_to(CHAT), what="the answer")
        self.wait_for(lambda: self.state().get("telegram_update_offset") == update_id + 1,
                      what="the offset saved")
        monitor.kill()
        # As if the poll that confirmed it never reached Telegram.
        self.telegram.forget_confirmations()
        polls_before = len(self.telegram.polls)
        self.start_polling()
        self.wait_for_held_poll(polls_before + 1)
        self.assertEqual(self.telegram.polls[polls_before]["offset"], update_id + 1)
        time.sleep(1)
        self.assertEqual(len(self.answers_to(CHAT)), 1)

    def test_commands_that_waited_while_the_monitor_was_down_are_skipped(self):
        stale = self.telegram.send_command(CHAT, "/status", date=time.time() - 600)
        fresh = self.telegram.send_command(CHAT, "/help")
        self.start_polling()
        self.wait_for(lambda: self.answers_to(CHAT), what="the fresh command's answer")
        answers = self.answers_to(CHAT)
        self.assertEqual(len(answers), 1)
        self.assertTrue(answers[0].startswith("Commands:"), answers[0])
        self.wait_for(lambda: self.state().get("telegram_update_offset") == fresh + 1,
                      what="both confirmed")
        self.assertIn("confirmed without an answer", self.output())
        self.assertLess(stale, fresh)

    def test_a_conflict_is_logged_once_and_not_hammered(self):
        self.telegram.poll_answer = (409, {
            "ok": False, "error_code": 409,
            "description": "Conflict: terminated by other getUpdates request; make sure that "
                           "only one bot instance is running"})
        self.start_polling()
        self.wait_for(lambda: "another host polls with the same" in self.output(),
                      what="the conflict logged")
        time.sleep(3)
        self.assertEqual(len(self.telegram.polls), 1)
        self.assertEqual(self.output().count("another host polls with the same"), 1)
        # Counting goes on.
        self.assertEqual(self.status()["counted_bytes"], 0)

    def test_a_refused_token_stops_polling_with_one_error(self):
        self.telegram.me_answer = (401, {"ok": False, "error_code": 401,
                                         "description": "Unauthorized"})
        self.start(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_CHAT_ID=CHAT,
                   TELEGRAM_API_BASE=self.telegram.base_url, TELEGRAM_COMMANDS="on")
        self.wait_for(lambda: "Telegram refuses TELEGRAM_BOT_TOKEN" in self.output(),
                      what="the error")
        time.sleep(2)
        self.assertEqual(self.telegram.polls, [])
        self.assertEqual(self.output().count("Telegram refuses TELEGRAM_BOT_TOKEN"), 1)
        self.assert_no_token_anywhere()

    def test_calibrate_sets_the_usage_and_every_target_gets_the_notice(self):
        self.start_polling()
        self.wait_for(lambda: self.status()["counted_bytes"] == 0, what="the first sample")
        self.telegram.send_command(CHAT, "/calibrate 0.5GB")
        self.wait_for(lambda: any("Calibrated:" in t for t in self.answers_to(CHAT)),
                      what="the answer")
        self.wait_for(lambda: any("Usage calibrated" in t for t in self.answers_to(CHAT)),
                      what="the notice")
        self.assertEqual(self.status()["counted_bytes"], 500 * 10**6)
        self.telegram.send_command(CHAT, "/calibrate half")
        self.wait_for(lambda: any("\"half\" is not an amount" in t
                                  for t in self.answers_to(CHAT)), what="the refusal")
        self.assertEqual(self.status()["counted_bytes"], 500 * 10**6)

    def test_commands_without_a_bot_are_refused_at_start(self):
        result = self.run_command("--check-config", TELEGRAM_COMMANDS="on",
                                  TELEGRAM_BOT_TOKEN="", TELEGRAM_CHAT_ID="")
        self.assertEqual(result.returncode, 2)
        self.assertIn("TELEGRAM_COMMANDS=\"on\" needs TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID",
                      result.stderr)


if __name__ == "__main__":
    run_tests()
