import gc

from complaintdesk.ui.widgets.gc_guard import MainThreadCollector


def test_collection_runs_from_the_gui_thread_timer_not_automatically(qapp):
    gc.enable()  # as at application start (the test fixture had switched it off)
    collector = MainThreadCollector()
    try:
        assert not gc.isenabled()  # no collection can start in a worker thread
        for _ in range(gc.get_threshold()[0] + 10):
            a: list = []
            a.append(a)  # cycles that only the collector frees
        assert gc.get_count()[0] > gc.get_threshold()[0]
        collector.check()  # what the timer calls in the GUI thread
        assert gc.get_count()[0] < gc.get_threshold()[0]
    finally:
        collector.stop()
    assert gc.isenabled()
