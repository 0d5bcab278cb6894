// DesmEval: topics, qrels, runs, trec_eval-compatible metrics, significance, experiments.
import CLibXML2
import DesmText
import DesmIndex
