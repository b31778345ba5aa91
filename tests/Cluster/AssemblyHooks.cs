using BashCni.Harness.Reporting;

// Every test of this assembly leaves an Allure result in $ALLURE_RESULTS_DIR (default <repo>/allure-results).
[assembly: WriteAllureResults]

// A test that passed while one of its steps failed ends failed, naming the step.
[assembly: FailTestsWithRedSteps]
