# The app's first code in a Lambda cold start (Zappa's handler loads console.settings): the garbage collector
# waits for the first response (console/web/start_up_gc.py says why).
from console.web.start_up_gc import pause_on_lambda

pause_on_lambda()
