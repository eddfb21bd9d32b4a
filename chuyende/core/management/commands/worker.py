"""`chuyende worker`: django-tasks-db's db_worker, with the glue of chuyende.core.workers."""

import logging
import os

from django.db import close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from chuyende.core import workers

log = logging.getLogger("chuyende.core.workers")


class ResilientWorker(Worker):
    """Recovers lost tasks on start, beats, and waits out a database outage instead of exiting."""

    def run(self) -> None:
        workers.wait_for_database(lambda: not self.running)
        self._recover()
        removed = workers.remove_partial_uploads()
        if removed:
            log.warning("removed %s partial uploads left by killed processes", removed)
        heartbeat = workers.Heartbeat(self.worker_id)
        heartbeat.start()
        try:
            while self.running:
                try:
                    super().run()
                    return
                except Exception as error:
                    if not workers.database_down(error):
                        raise
                    log.warning("worker %s: database unavailable (%s)", self.worker_id, error)
                    self.running_task = False
                    close_old_connections()
                    workers.wait_for_database(lambda: not self.running)
                    # the task this worker was running when the connection dropped is lost too
                    self._recover(also={self.worker_id})
        finally:
            heartbeat.stop()

    def _recover(self, also=frozenset()):
        try:
            workers.recover_lost_tasks(also=also)  # each task it retries or fails is logged
        except Exception as error:  # never keeps the worker from starting
            if not workers.database_down(error):
                log.exception("recovering lost tasks failed")
        finally:
            close_old_connections()


class Command(DbWorkerCommand):
    help = (
        "Run the background task worker (django-tasks-db's db_worker) with recovery: tasks of "
        "workers that died are retried or marked failed with their reason, and a database "
        "outage is waited out."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # --worker-id names the worker; the id recorded is host:pid:name (chuyende.core.workers)
        parser.set_defaults(worker_id=None)

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        self.configure_logging(verbosity)
        worker_id = workers.new_worker_id(worker_id)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
