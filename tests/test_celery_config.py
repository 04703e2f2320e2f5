"""The Celery set-up as the database scheduler and the workers see it: routes name real tasks and queues,
and the beat rows carry their expiry (django-celery-beat drops ``expires``; ticks must still expire)."""

import pytest
from django_celery_beat.schedulers import ModelEntry

from config.celery import BEAT, QUEUES, ROUTES, app, expiry


def product_tasks() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_every_route_names_a_real_task_and_a_declared_queue():
    assert set(ROUTES) <= product_tasks()
    assert set(ROUTES.values()) <= set(QUEUES)
    assert {queue.name for queue in app.conf.task_queues} == set(QUEUES)  # a worker without -Q takes them all
    assert app.conf.task_default_queue in QUEUES


def test_every_task_lands_on_one_queue_a_worker_takes():
    router = app.amqp.router
    for name in product_tasks():
        queue = router.route({}, name)["queue"]
        assert queue.name in QUEUES, name
        # its own exchange and key: a message lands in this queue alone
        assert (queue.exchange.name, queue.routing_key) == (queue.name, queue.name), name
    bindings = [(q.exchange.name, q.routing_key) for q in app.conf.task_queues]
    assert len(set(bindings)) == len(QUEUES)


@pytest.mark.django_db
def test_the_beat_rows_carry_their_expiry_and_the_ticks_are_sent_with_it():
    for name, entry in app.conf.beat_schedule.items():
        model_entry = ModelEntry.from_entry(name, app=app, **entry)  # what the database scheduler does at start
        every = BEAT[name][1]
        assert model_entry.model.expire_seconds == expiry(every) < every, name
        reloaded = ModelEntry(model_entry.model, app=app)
        assert reloaded.options["expires"] == expiry(every), name  # the option each tick's message is sent with


def test_the_embedded_broker_bindings_are_written_whole_and_a_file_left_empty_is_mended(tmp_path):
    from kombu import Connection, Exchange, Queue

    from config.celery import write_filesystem_bindings

    control, data = tmp_path / "control", tmp_path / "data"
    control.mkdir()
    data.mkdir()
    (control / "dialling.exchange").write_text("")  # what a process killed mid-write (or a race) leaves
    write_filesystem_bindings(control)
    options = {"control_folder": str(control), "data_folder_in": str(data), "data_folder_out": str(data)}
    with Connection("filesystem://", transport_options=options) as conn:  # kombu reads what was written
        for name in QUEUES:
            queue = Queue(name, Exchange(name, type="direct"), routing_key=name)
            with conn.Producer() as producer:
                producer.publish({"queue": name}, exchange=queue.exchange, routing_key=name, declare=[queue])
            message = queue(conn.channel()).get(no_ack=True)
            assert message is not None and message.payload == {"queue": name}
