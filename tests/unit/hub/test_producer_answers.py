"""What the log's producer process answers its writer, across the pipe."""

from __future__ import annotations

import multiprocessing
import pickle
import threading

from kafka.errors import KafkaError, ProducerFencedError

from hub.eventlog.producer_process import answer
from hub.eventlog.transactions import is_fencing


class Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("cannot travel")
        self.lock = threading.Lock()


def received(kind: str, value: object) -> tuple[str, object]:
    mine, theirs = multiprocessing.Pipe()
    answer(theirs, kind, value)
    return pickle.loads(mine.recv_bytes())


def test_kafka_errors_cross_the_pipe_as_themselves_and_fencing_is_still_recognised():
    kind, error = received("failed", ProducerFencedError("fenced by a newer producer"))
    assert kind == "failed" and isinstance(error, ProducerFencedError)
    assert is_fencing(error)


def test_an_error_that_cannot_be_pickled_arrives_as_a_kafka_error_naming_it():
    kind, error = received("failed", Unpicklable())
    assert kind == "failed" and isinstance(error, KafkaError)
    assert "Unpicklable: cannot travel" in str(error)


def test_an_answer_to_a_writer_that_is_gone_is_dropped_quietly():
    mine, theirs = multiprocessing.Pipe()
    mine.close()
    answer(theirs, "committed", [1, 2])  # no exception: nobody is left to answer
