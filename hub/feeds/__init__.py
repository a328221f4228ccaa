"""Agency feeds: what each agency receives of the log and what it answers.

``topics`` names the Kafka topics and creates them; ``routing`` turns log events into each
agency's feed records (for the router and the HTTP feed); ``router`` publishes them to the
agencies' topics; ``replies`` applies the agencies' answers; ``dead_letters`` lists and
retries the answers that could not be applied.
"""
